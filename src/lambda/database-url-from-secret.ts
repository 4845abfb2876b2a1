import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OpaisError } from '../errors.ts';

/**
 * A PostgreSQL connection string from a Secrets Manager secret. The secret
 * is either a connection string, or JSON in the shape RDS writes
 * (`username`, `password`, and `host`, `port`, `dbname` unless the secret is
 * RDS-managed, which holds only the credentials: then PGHOST, PGPORT and
 * PGDATABASE supply them). TLS comes from `sslmode` in the secret or
 * PGSSLMODE (e.g. `verify-full` with NODE_EXTRA_CA_CERTS holding the RDS
 * certificates) and PGSSLROOTCERT.
 */
export async function databaseUrlFromSecret(
  secretId: string,
  env: NodeJS.ProcessEnv = process.env,
  client: SecretsManagerClient = new SecretsManagerClient({}),
): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new OpaisError('DATABASE_UNAVAILABLE', `secret ${secretId} has no string value`);
  return databaseUrlFromSecretString(SecretString, secretId, env);
}

export function databaseUrlFromSecretString(
  secret: string,
  secretId: string,
  env: NodeJS.ProcessEnv,
): string {
  if (/^postgres(ql)?:\/\//.test(secret.trim())) return secret.trim();
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(secret) as Record<string, unknown>;
  } catch {
    throw new OpaisError('DATABASE_UNAVAILABLE', `secret ${secretId} is neither a postgres:// URL nor JSON`);
  }
  const pick = (name: string, fallback: string | undefined) =>
    fields[name] === undefined || fields[name] === null ? fallback : String(fields[name]);
  const username = pick('username', env.PGUSER);
  const host = pick('host', env.PGHOST);
  if (!username || !host) {
    throw new OpaisError(
      'DATABASE_UNAVAILABLE',
      `secret ${secretId} names no username or host (nor do PGUSER/PGHOST)`,
    );
  }
  const password = pick('password', env.PGPASSWORD) ?? '';
  const port = pick('port', env.PGPORT) ?? '5432';
  const dbname = pick('dbname', env.PGDATABASE) ?? 'postgres';
  const params = new URLSearchParams();
  const sslmode = pick('sslmode', env.PGSSLMODE);
  if (sslmode) params.set('sslmode', sslmode);
  if (env.PGSSLROOTCERT) params.set('sslrootcert', env.PGSSLROOTCERT);
  const query = params.size > 0 ? `?${params}` : '';
  return `postgres://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(dbname)}${query}`;
}
