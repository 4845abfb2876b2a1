import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { newSecret } from './sign-payload.ts';
import { parseSubscriptionFilter } from './subscription-filter.ts';
import { insertSubscription, type Subscription } from './subscription-store.ts';

export interface NewSubscription {
  url: string;
  /** `id340B=…,entityType=…,state=…,path=…` */
  filter?: string;
  /** Generated when not given. */
  secret?: string;
  /** Deliver the changes after this global position; default: only changes from now on (the log's head). */
  from?: number;
}

/** Checks and stores a subscription; `places` name the inputs in messages (`--url` or `body/url`). */
export async function addSubscription(
  pool: pg.Pool,
  store: EventStoreReader,
  input: NewSubscription,
  places: { url: string; filter: string; secret: string },
): Promise<Subscription> {
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new OpaisError(
      'INVALID_ARGUMENT',
      `${places.url}: ${JSON.stringify(input.url)} is not an http(s) URL`,
      {
        place: places.url,
      },
    );
  }
  if (input.secret !== undefined && input.secret.length < 16) {
    throw new OpaisError('INVALID_ARGUMENT', `${places.secret}: a secret needs at least 16 characters`, {
      place: places.secret,
    });
  }
  const filter = parseSubscriptionFilter(input.filter, places.filter);
  return insertSubscription(pool, {
    url: url.toString(),
    secret: input.secret ?? newSecret(),
    filter,
    cursor: input.from ?? (await store.headPosition()),
  });
}
