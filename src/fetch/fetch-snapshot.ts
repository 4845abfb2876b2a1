import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import { datedSnapshotName } from '../source/snapshot-key-date.ts';
import { downloadToFile } from './download-to-file.ts';
import { loadFetchState, saveFetchState } from './fetch-state.ts';
import { type FetchTarget, storeSnapshotFile } from './store-snapshot-file.ts';
import { verifySnapshotFile } from './verify-snapshot-file.ts';

/** A whole export must arrive within this (it is ≈ 200 MB); a stalled server must not hang a daily job forever. */
const downloadTimeoutMs = 15 * 60_000;

export interface FetchOptions {
  url: string;
  target: FetchTarget;
  /** Where the validators of the last stored export are kept (table fetch_state). */
  pool: pg.Pool;
  s3: () => S3Client;
  now?: () => Date;
}

export type FetchResult =
  | { status: 'not-modified'; url: string }
  /** A 200 whose bytes equal the last stored export (a server that ignores conditional requests). */
  | { status: 'unchanged'; url: string; sha256: string }
  | {
      status: 'stored';
      url: string;
      location: string;
      sha256: string;
      bytes: number;
      elements: number;
      fetchedAt: string;
    };

/**
 * Downloads the daily export once it changed: a conditional GET with the
 * ETag and Last-Modified of the last stored one (kept in the database),
 * then, on 200, a SHA-256 compare with it, a full read through the snapshot
 * reader, and only then the store under a dated name
 * (`OPA_CE_DAILY_PUBLIC_<fetch instant>.JSON` or `.zip`), which the Lambda and
 * the watcher read back as the as-of. The fetch instant, not the server's
 * Last-Modified, names it: unique and increasing even if that header is stale.
 */
export async function fetchSnapshot(options: FetchOptions): Promise<FetchResult> {
  const { url, pool } = options;
  const previous = await loadFetchState(pool, url);
  const headers: Record<string, string> = { 'user-agent': 'opais-changelog' };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;

  const fetchedAt = new Date(Math.floor((options.now?.() ?? new Date()).getTime() / 1000) * 1000);
  const response = await fetch(url, {
    headers,
    signal: AbortSignal.timeout(downloadTimeoutMs),
  }).catch((error: Error) => {
    throw new OpaisError('FETCH_FAILED', `${url}: ${error.message}`, { url }, { cause: error });
  });
  if (response.status === 304) return { status: 'not-modified', url };
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const code = response.status === 404 ? 'SOURCE_NOT_FOUND' : 'FETCH_FAILED';
    throw new OpaisError(code, `${url}: HTTP ${response.status} ${response.statusText}`, {
      url,
      status: response.status,
    });
  }

  const work = await mkdtemp(path.join(tmpdir(), 'opais-fetch-'));
  try {
    const file = path.join(work, 'download');
    const downloaded = await downloadToFile(response.body, file).catch((error: Error) => {
      throw new OpaisError(
        'FETCH_FAILED',
        `${url}: the download broke off: ${error.message}`,
        { url },
        { cause: error },
      );
    });
    const validators = {
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
    if (previous && previous.sha256 === downloaded.sha256) {
      await saveFetchState(pool, { ...previous, ...validators, fetchedAt });
      return { status: 'unchanged', url, sha256: downloaded.sha256 };
    }
    const elements = await verifySnapshotFile(file, url);
    const name = datedSnapshotName(fetchedAt, downloaded.isZip ? '.zip' : '.JSON');
    const location = await storeSnapshotFile(file, name, options.target, {
      client: options.s3,
      metadata: {
        'source-url': url,
        sha256: downloaded.sha256,
        ...(validators.etag ? { 'source-etag': validators.etag } : {}),
        ...(validators.lastModified ? { 'source-last-modified': validators.lastModified } : {}),
      },
    });
    await saveFetchState(pool, {
      url,
      ...validators,
      sha256: downloaded.sha256,
      storedAt: location,
      fetchedAt,
    });
    return {
      status: 'stored',
      url,
      location,
      sha256: downloaded.sha256,
      bytes: downloaded.bytes,
      elements,
      fetchedAt: fetchedAt.toISOString(),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
