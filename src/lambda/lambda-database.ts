import { readConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/open-database.ts';
import { OpaisError } from '../errors.ts';
import { databaseUrlFromSecret } from './database-url-from-secret.ts';

let cached: Promise<Database> | undefined;

/**
 * The database for this Lambda container, opened (and migrated) on the
 * first invocation and reused by the next ones. DATABASE_URL wins;
 * otherwise the secret in OPAIS_DATABASE_SECRET_ARN is read once per
 * container. There is no embedded server in Lambda.
 */
export function lambdaDatabase(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  cached ??= connect(env).catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Forgets the cached connection, so the next invocation reads the secret again (it may have been rotated). */
export async function forgetLambdaDatabase(): Promise<void> {
  const database = cached;
  cached = undefined;
  await database?.then((open) => open.close()).catch(() => {});
}

/** PostgreSQL's answer to a wrong password or a user it does not know: the credentials are stale. */
export function isCredentialError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === '28P01' || code === '28000';
}

async function connect(env: NodeJS.ProcessEnv): Promise<Database> {
  const secretArn = env.OPAIS_DATABASE_SECRET_ARN;
  const databaseUrl =
    env.DATABASE_URL || (secretArn ? await databaseUrlFromSecret(secretArn, env) : undefined);
  if (!databaseUrl) {
    throw new OpaisError(
      'DATABASE_UNAVAILABLE',
      'the Lambda needs DATABASE_URL or OPAIS_DATABASE_SECRET_ARN (there is no embedded PostgreSQL in Lambda)',
    );
  }
  // One invocation ingests at a time per container: the ingest's connection, its inbox entry's and a spare.
  return openDatabase({ config: { ...readConfig(env), databaseUrl }, max: 3 });
}
