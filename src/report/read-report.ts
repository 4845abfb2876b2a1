import type pg from 'pg';
import { OpaisError } from '../errors.ts';
import type { SnapshotIngestedV1 } from '../events/event-types.ts';
import { snapshotStreamId } from '../events/stream-names.ts';
import { readFeedHead, readSnapshotChanges } from '../feed/change-feed-queries.ts';
import { findSnapshot } from '../feed/find-snapshot.ts';
import type { EventStore } from '../store/event-store.ts';
import { buildReport, defaultReportLimit, type MorningReport } from './build-report.ts';

/**
 * The morning report of the snapshot an as-of names (the latest when
 * undefined): its SnapshotIngested event (counts, data quality) from the
 * event store, its changes from the change feed's read model, which must
 * have projected it (NOT_PROJECTED otherwise: the report would be short).
 */
export async function readReport(
  pool: pg.Pool,
  store: Pick<EventStore, 'listSnapshots' | 'readStream'>,
  options: { asOf?: string; limit?: number; where?: string } = {},
): Promise<MorningReport> {
  const where = options.where ?? 'asOf';
  const { snapshot, previous } = await findSnapshot(store, options.asOf, where);
  const head = await readFeedHead(pool);
  if (head < snapshot.globalPosition) {
    throw new OpaisError(
      'NOT_PROJECTED',
      `the change feed is projected up to position ${head}; the snapshot as of ${snapshot.asOf.toISOString()} ends at ${snapshot.globalPosition} (run opais project)`,
      { head, position: snapshot.globalPosition },
    );
  }
  const [ingested] = await store.readStream(snapshotStreamId(snapshot.asOf), { limit: 1 });
  const data = ingested?.type === 'SnapshotIngested' ? (ingested.data as SnapshotIngestedV1) : undefined;
  const items = await readSnapshotChanges(pool, snapshot.globalPosition);
  return buildReport(
    {
      asOf: snapshot.asOf.toISOString(),
      position: snapshot.globalPosition,
      sha256: snapshot.sha256,
      source: snapshot.source,
      // In the order the ingest summary prints them (the store's jsonb has its own order).
      counts: {
        entities: snapshot.counts.entities,
        registered: snapshot.counts.registered,
        changed: snapshot.counts.changed,
        removed: snapshot.counts.removed,
        unchanged: snapshot.counts.unchanged,
        skipped: snapshot.counts.skipped,
        duplicates: snapshot.counts.duplicates,
      },
      dataQualityProblemCount: data?.dataQualityProblemCount ?? 0,
      dataQuality: data?.dataQuality ?? [],
      previousAsOf: previous?.asOf.toISOString() ?? null,
    },
    items,
    options.limit ?? defaultReportLimit,
  );
}
