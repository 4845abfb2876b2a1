import { type DestinationStream, type Logger, pino } from 'pino';
import { formatTtyLine } from './format-tty-line.ts';
import { redactedPaths, redactSecrets } from './redact-secrets.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else `info`. */
  level?: string;
  /** Where the lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
  /** Readable lines instead of JSON; default: whether stdout is a terminal. */
  pretty?: boolean;
}

/**
 * The one logger of the long-running and cloud paths (serve, project
 * --follow, watch, the Lambdas): one JSON object per line (`level`,
 * `message`, `time` and the fields), which CloudWatch Logs Insights and
 * any log shipper can query; readable lines on a terminal. Credentials are
 * redacted from secret-named fields and from any text that quotes them.
 * The CLI's own human output is not logging and does not go through here.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  // Synchronous writes: a Lambda can be frozen as soon as the handler returns, with buffered lines unwritten.
  const stdout = pino.destination({ dest: 1, sync: true });
  const destination =
    options.destination ?? (pretty ? { write: (line: string) => stdout.write(formatTtyLine(line)) } : stdout);
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactStrings(fields),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    destination,
  );
}

/** Top-level string fields (an error text, a URI) with any quoted credential redacted. */
function redactStrings(fields: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    redacted[key] = typeof value === 'string' ? redactSecrets(value) : value;
  }
  return redacted;
}
