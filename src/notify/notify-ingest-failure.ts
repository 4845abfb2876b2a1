import { hostname } from 'node:os';
import { OpaisError } from '../errors.ts';
import { postWebhook } from './post-webhook.ts';

/** What the webhook receives. `text` makes it readable as is by Slack- and Teams-style incoming webhooks. */
export interface IngestAlert {
  text: string;
  event: 'ingest.failed' | 'ingest.mass_removal_refused' | 'ingest.mass_change_refused';
  source: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Which deployment sent it: `lambda`, `watch`, `cli`, ... */
  origin: string;
  host: string;
  at: string;
}

/** The refusals of a guard, told apart from failures. */
const guards: Partial<Record<string, { name: string; event: IngestAlert['event'] }>> = {
  MASS_REMOVAL: { name: 'mass-removal', event: 'ingest.mass_removal_refused' },
  MASS_CHANGE: { name: 'mass-change', event: 'ingest.mass_change_refused' },
};

export function ingestAlert(error: unknown, source: string, origin: string, now = new Date()): IngestAlert {
  const code = error instanceof OpaisError ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  const guard = guards[code];
  return {
    text: guard
      ? `opais: the ${guard.name} guard refused ${source}: ${message}`
      : `opais: ingest of ${source} failed (${code}): ${message}`,
    event: guard ? guard.event : 'ingest.failed',
    source,
    code,
    message,
    ...(error instanceof OpaisError && error.details ? { details: error.details } : {}),
    origin,
    host: hostname(),
    at: now.toISOString(),
  };
}

/**
 * Tells the webhook in OPAIS_WEBHOOK_URL (if set) that an ingest failed or
 * was refused by the mass-removal or mass-change guard. Returns why it could not, if so;
 * the caller logs that and still reports the original error.
 */
export async function notifyIngestFailure(
  error: unknown,
  source: string,
  origin: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const url = env.OPAIS_WEBHOOK_URL;
  if (!url) return undefined;
  const result = await postWebhook(url, ingestAlert(error, source, origin));
  // The URL itself is a secret for most webhook services: never echo it.
  return result.delivered ? undefined : `the webhook (OPAIS_WEBHOOK_URL) was not notified: ${result.reason}`;
}
