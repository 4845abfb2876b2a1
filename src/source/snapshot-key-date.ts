/**
 * The naming convention that lets an object's key carry its as-of instant
 * (docs/data-contract.md#ingest-rules: as-of given explicitly, else from the trigger's time or the
 * object's last-modified time; a date in the key counts as given explicitly).
 *
 * Recognised, anywhere in the key, the last one winning (the file name is
 * more specific than its folders):
 *   2026-11-26                      → 2026-11-26T00:00:00Z
 *   2026-11-26T05:00:00Z, 2026-11-26T05-00-00Z, 2026-11-26T050000Z
 *   20261126T050000Z                (what `opais fetch` writes)
 * Times are UTC, with or without the `Z`; fractions of a second are dropped.
 */
const datePattern =
  /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})[:-]?(\d{2})[:-]?(\d{2})(?:\.\d+)?Z?)?(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?(?!\d)/g;

export function dateInKey(key: string): Date | undefined {
  let found: Date | undefined;
  for (const match of key.matchAll(datePattern)) {
    const parts = (match[1] ? match.slice(1, 7) : match.slice(7, 13)).map((part) => Number(part ?? 0));
    const [year, month, day, hour, minute, second] = parts as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    // Date.UTC rolls 2026-02-30 over into March: such a "date" is not one.
    const valid =
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day &&
      hour < 24 &&
      minute < 60 &&
      second < 60;
    if (valid) found = date;
  }
  return found;
}

/** `OPA_CE_DAILY_PUBLIC_20261126T050000Z.JSON`: a file name that `dateInKey` reads back. */
export function datedSnapshotName(asOf: Date, extension: '.JSON' | '.zip'): string {
  const compact = asOf
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `OPA_CE_DAILY_PUBLIC_${compact}${extension}`;
}
