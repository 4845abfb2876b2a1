/**
 * One JSON log line as a person reads it on a terminal:
 * `12:00:01.234 INFO  ingest applied uri=s3://b/k registered=20`.
 * Nested values stay JSON. A line that is not JSON is passed through.
 */
export function formatTtyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, message, ...fields } = record;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const label = String(level ?? '')
    .toUpperCase()
    .padEnd(5);
  const rest = Object.entries(fields).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return `${[clock, label, message ?? '', ...rest].filter((part) => part !== '').join(' ')}\n`;
}
