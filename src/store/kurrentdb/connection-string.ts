import { OpaisError } from '../../errors.ts';

/**
 * Checks EVENTSTORE_CONNECTION_STRING and spells it the way the client
 * expects: `esdb://` and `esdb+discover://` (EventStoreDB's schemes, still
 * accepted by the client but with a console warning on every start) become
 * `kurrentdb://` and `kurrentdb+discover://`.
 */
export function normaliseConnectionString(value: string | undefined): string {
  const trimmed = value?.trim();
  if (!trimmed) {
    throw new OpaisError(
      'EVENT_STORE_UNAVAILABLE',
      'EVENT_STORE=kurrentdb needs EVENTSTORE_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false)',
    );
  }
  const scheme = /^([a-z+]+):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  const known = ['kurrentdb', 'kurrentdb+discover', 'kurrent', 'kurrent+discover', 'kdb', 'kdb+discover'];
  if (scheme === 'esdb' || scheme === 'esdb+discover') {
    return `kurrentdb${scheme.slice(4)}${trimmed.slice(scheme.length)}`;
  }
  if (!scheme || !known.includes(scheme)) {
    throw new OpaisError(
      'EVENT_STORE_UNAVAILABLE',
      `EVENTSTORE_CONNECTION_STRING must start with kurrentdb://, esdb:// or their +discover forms, got ${JSON.stringify(redactConnectionString(trimmed))}`,
    );
  }
  return trimmed;
}

/** The connection string with its password hidden, for messages and `opais status`. */
export function redactConnectionString(value: string): string {
  return value.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
