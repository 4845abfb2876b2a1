import type { Command } from 'commander';
import { projectionStatus } from '../../../projections/projection-status.ts';
import { type OutOfOrderExport, outOfOrderExports } from '../../store/postgres/export-inbox.ts';
import { withDatabase } from '../with-database.ts';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the last applied snapshot, entity counts and the event-store position')
    .option('--json', 'print one JSON object on stdout')
    .action(async (flags: { json?: boolean }) => {
      const status = await withDatabase(async (database) => {
        const store = database.store;
        const snapshots = await store.listSnapshots();
        const last = snapshots.at(-1);
        return {
          database: database.connectionString.replace(/\/\/[^@/]*@/, '//***@'),
          schema: database.schema,
          snapshots: snapshots.length,
          lastSnapshot: last
            ? { asOf: last.asOf.toISOString(), sha256: last.sha256, source: last.source, counts: last.counts }
            : null,
          entities: await store.countEntities(),
          eventStorePosition: await store.headPosition(),
          projectors: await projectionStatus(database),
          exportsOutOfOrder: await outOfOrderExports(database.pool),
        };
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(status)}\n`);
        return;
      }
      const lines = [
        `database: ${status.database} (schema ${status.schema})`,
        `event-store position: ${status.eventStorePosition}`,
        `snapshots applied: ${status.snapshots}`,
        status.lastSnapshot
          ? `last snapshot: as of ${status.lastSnapshot.asOf}, sha256 ${status.lastSnapshot.sha256}`
          : 'last snapshot: none',
        `entities: ${status.entities.current} current, ${status.entities.removed} removed`,
        ...describeOutOfOrder(status.exportsOutOfOrder),
        'projectors:',
        ...status.projectors.map(
          (projector) =>
            `  ${projector.projector.padEnd(26)} position ${projector.position}, lag ${projector.lagEvents} events / ${Math.round(projector.lagSeconds)} s${projector.error ? `, STOPPED at ${projector.errorPosition}: ${projector.error}` : ''}`,
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** Exports never applied because a later one came first: the operator must act (docs/reliability.md). */
function describeOutOfOrder(late: { count: number; latest: OutOfOrderExport[] }): string[] {
  if (late.count === 0) return ['exports out of order: none'];
  return [
    `exports out of order: ${late.count} NOT APPLIED (arrived after a later export; see docs/reliability.md to recover)`,
    ...late.latest.map(
      (entry) =>
        `  ${entry.source} as of ${entry.asOf}, head then ${entry.headAsOf ?? '?'}, arrived ${entry.arrivedAt}`,
    ),
  ];
}
