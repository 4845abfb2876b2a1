import { type Database, openDatabase } from '../db/open-database.ts';

/** Opens the configured database (DATABASE_URL or embedded) for one command and always closes it. */
export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
