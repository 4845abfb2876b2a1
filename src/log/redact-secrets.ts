/**
 * Field names whose values are never logged, at the top level or one level
 * down (pino's redaction paths).
 */
const secretKeys = [
  'password',
  'token',
  'secret',
  'authorization',
  'databaseUrl',
  'connectionString',
  'webhookUrl',
];
export const redactedPaths = [...secretKeys, ...secretKeys.map((key) => `*.${key}`)];

/** The credentials inside a text: a URL's password (`postgres://user:pw@host`) and `password=`/`token=` pairs. */
const credentialPatterns: Array<[RegExp, string]> = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[redacted]@'],
  [/\b(password|passwd|pwd|token|secret|api[_-]?key)=([^\s&;,'"]+)/gi, '$1=[redacted]'],
  [/\b(bearer)\s+[a-z0-9._~+/=-]+/gi, '$1 [redacted]'],
];

/** The text with any credential it quotes replaced by `[redacted]` (error messages quote connection strings). */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of credentialPatterns) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
