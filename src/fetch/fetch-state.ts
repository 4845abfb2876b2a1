import type pg from 'pg';

/** What the last stored export of a URL looked like: validators for the next conditional request. */
export interface FetchState {
  url: string;
  etag: string | undefined;
  lastModified: string | undefined;
  sha256: string;
  storedAt: string;
  fetchedAt: Date;
}

export async function loadFetchState(pool: pg.Pool, url: string): Promise<FetchState | undefined> {
  const { rows } = await pool.query<{
    etag: string | null;
    last_modified: string | null;
    sha256: string;
    stored_at: string;
    fetched_at: Date;
  }>('select etag, last_modified, sha256, stored_at, fetched_at from fetch_state where url = $1', [url]);
  const row = rows[0];
  return row
    ? {
        url,
        etag: row.etag ?? undefined,
        lastModified: row.last_modified ?? undefined,
        sha256: row.sha256,
        storedAt: row.stored_at,
        fetchedAt: row.fetched_at,
      }
    : undefined;
}

export async function saveFetchState(pool: pg.Pool, state: FetchState): Promise<void> {
  await pool.query(
    `insert into fetch_state (url, etag, last_modified, sha256, stored_at, fetched_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (url) do update set etag = excluded.etag, last_modified = excluded.last_modified,
       sha256 = excluded.sha256, stored_at = excluded.stored_at, fetched_at = excluded.fetched_at`,
    [
      state.url,
      state.etag ?? null,
      state.lastModified ?? null,
      state.sha256,
      state.storedAt,
      state.fetchedAt,
    ],
  );
}
