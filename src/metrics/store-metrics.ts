import type pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import { readStoreHead } from '../api/read-store-head.ts';
import type { EventStoreReader } from '../store/event-store.ts';
import { outOfOrderExports } from '../store/postgres/export-inbox.ts';

/**
 * The event store's figures (snapshots, events by type, head, entities,
 * each projector's position and lag), read from the database at scrape
 * time, so every process that exposes them (the API, a projector, a
 * watcher) reports the same values. Totals the store only ever adds to are
 * counters (`_total`), set from the database on each scrape.
 */
export function registerStoreMetrics(
  registry: Registry,
  database: { pool: pg.Pool; store: EventStoreReader },
): { refresh(): Promise<void> } {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers });
  const snapshots = counter('opais_snapshots_applied_total', 'snapshots applied (ingests that committed)');
  const entityEvents = counter('opais_entity_events_total', 'entity events appended, by type', ['type']);
  const lastAsOf = gauge(
    'opais_last_snapshot_as_of_seconds',
    'as-of of the latest applied snapshot (Unix time)',
  );
  const head = gauge('opais_events_head_position', 'global position of the last committed event');
  const entities = gauge('opais_entities', 'entities known to the registry', ['state']);
  const projectorPosition = gauge('opais_projector_position', 'global position a projector has applied', [
    'projector',
  ]);
  const lagEvents = gauge('opais_projector_lag_events', 'committed events a projector has not applied', [
    'projector',
  ]);
  const lagSeconds = gauge(
    'opais_projector_lag_seconds',
    'age of the oldest event a projector has not applied',
    ['projector'],
  );
  const projectorFailed = gauge('opais_projector_failed', '1 when a projector stopped on an event', [
    'projector',
  ]);
  const outOfOrder = gauge(
    'opais_exports_out_of_order',
    'exports refused because a later one was applied first (export_inbox; see docs/reliability.md)',
  );

  return {
    async refresh() {
      const [store, totals, late] = await Promise.all([
        readStoreHead(database),
        readTotals(database.store),
        outOfOrderExports(database.pool, 1),
      ]);
      outOfOrder.set(late.count);
      snapshots.reset();
      snapshots.inc(totals.snapshots);
      entityEvents.reset();
      for (const [type, count] of Object.entries(totals.events)) entityEvents.inc({ type }, count);
      if (store.lastSnapshotAsOf) lastAsOf.set(Date.parse(store.lastSnapshotAsOf) / 1000);
      head.set(store.headPosition);
      entities.set({ state: 'current' }, totals.currentEntities);
      entities.set({ state: 'removed' }, totals.removedEntities);
      for (const projector of store.projectors) {
        const labels = { projector: projector.projector };
        projectorPosition.set(labels, projector.position);
        lagEvents.set(labels, projector.lagEvents);
        lagSeconds.set(labels, projector.lagSeconds);
        projectorFailed.set(labels, projector.error === null ? 0 : 1);
      }
    },
  };
}

/** Totals from the snapshot list and the registry: small, unlike counting the events themselves. */
async function readTotals(store: EventStoreReader) {
  const [snapshots, entities] = await Promise.all([store.listSnapshots(), store.countEntities()]);
  const sum = (count: 'registered' | 'changed' | 'removed') =>
    snapshots.reduce((total, snapshot) => total + snapshot.counts[count], 0);
  return {
    snapshots: snapshots.length,
    events: {
      CoveredEntityRegistered: sum('registered'),
      CoveredEntityChanged: sum('changed'),
      CoveredEntityRemoved: sum('removed'),
    },
    currentEntities: entities.current,
    removedEntities: entities.removed,
  };
}
