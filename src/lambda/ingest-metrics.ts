import type { ProjectorStatus } from '../../projections/projection-status.ts';
import type { MetricValues } from './embedded-metrics.ts';

/** What one invocation of the ingest Lambda did, as the figures its alarms and dashboard read. */
export interface IngestFigures {
  applied: Array<{
    registered: number;
    changed: number;
    removed: number;
    skipped: number;
    dataQualityProblems: number;
    bytes: number;
    durationMs: number;
  }>;
  /** Exports the ingest reported as older than the log's head (status `out-of-order`). */
  outOfOrder: number;
  /** The error code an object was refused with, if any. */
  refusedCode?: string;
  /** The projectors after the catch-up (none when the ingest failed first). */
  projectors: readonly ProjectorStatus[];
}

/**
 * The ingest Lambda's metrics. Zeros are published too: an alarm on "no
 * snapshot applied for 36 hours" needs the datapoints, and a dashboard line
 * that stops is indistinguishable from a quiet day otherwise.
 */
export function ingestMetrics(figures: IngestFigures): MetricValues {
  const sum = (pick: (applied: IngestFigures['applied'][number]) => number) =>
    figures.applied.reduce((total, applied) => total + pick(applied), 0);
  const count = (value: number) => ({ value, unit: 'Count' as const });
  const values: MetricValues = {
    SnapshotsApplied: count(figures.applied.length),
    Registered: count(sum((applied) => applied.registered)),
    Changed: count(sum((applied) => applied.changed)),
    Removed: count(sum((applied) => applied.removed)),
    Skipped: count(sum((applied) => applied.skipped)),
    DataQualityProblems: count(sum((applied) => applied.dataQualityProblems)),
    ExportsOutOfOrder: count(figures.outOfOrder),
    // The mass-removal guard, and any later guard of the same family (codes MASS_*), refusing a snapshot.
    MassChangeRefused: count(figures.refusedCode?.startsWith('MASS_') ? 1 : 0),
  };
  if (figures.applied.length > 0) {
    values.SnapshotBytes = { value: sum((applied) => applied.bytes), unit: 'Bytes' };
    values.IngestDuration = { value: sum((applied) => applied.durationMs), unit: 'Milliseconds' };
  }
  if (figures.projectors.length > 0) {
    values.ProjectorLagSeconds = {
      value: Math.max(...figures.projectors.map((projector) => projector.lagSeconds)),
      unit: 'Seconds',
    };
    values.ProjectorsStopped = count(
      figures.projectors.filter((projector) => projector.error !== null).length,
    );
  }
  return values;
}
