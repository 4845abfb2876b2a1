import type pg from 'pg';

/** Tries to empty a schema's event log as the client's role: tests of what a read-only role is refused. */
export async function deleteEveryEvent(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`delete from ${schema}.events`);
}
