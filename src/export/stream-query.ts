import type pg from 'pg';
import QueryStream from 'pg-query-stream';

/**
 * The rows of one query, fetched through a cursor a batch at a time, so an
 * export of any size holds one batch in memory. The connection goes back to
 * the pool when the rows end; a reader that stops early (a closed download)
 * discards it, since its cursor is still open.
 */
export async function* streamQuery(
  pool: pg.Pool,
  text: string,
  values: readonly unknown[],
): AsyncGenerator<string[]> {
  const client = await pool.connect();
  let finished = false;
  try {
    const stream = client.query(new QueryStream(text, [...values], { rowMode: 'array', batchSize: 2000 }));
    for await (const row of stream) yield row as string[];
    finished = true;
  } finally {
    client.release(finished ? undefined : true);
  }
}
