import type pg from 'pg';
import { projectors } from './projectors.ts';

export interface ProjectorStatus {
  projector: string;
  /** Global position of the last snapshot applied (0: none). */
  position: number;
  /** As-of of that snapshot (ISO), or null. */
  asOf: string | null;
  /** Events committed after `position`. */
  lagEvents: number;
  /** How long the oldest event not yet projected has been waiting (0 when caught up). */
  lagSeconds: number;
  /** Why the projector stopped, naming the event, or null. */
  error: string | null;
  errorPosition: number | null;
}

/** Each projector's position and lag, for `opais status` and the API's health. */
export async function projectionStatus(database: { pool: pg.Pool }): Promise<ProjectorStatus[]> {
  const { rows } = await database.pool.query<{
    projector: string;
    position: number;
    as_of: Date | null;
    lag_events: number;
    lag_seconds: number;
    error: string | null;
    error_position: number | null;
  }>(
    `select p.projector, coalesce(c.position, 0) as position, c.as_of, c.error, c.error_position,
            (select count(*) from events e where e.global_position > coalesce(c.position, 0)) as lag_events,
            coalesce(extract(epoch from now() - (
              select e.recorded_at from events e where e.global_position > coalesce(c.position, 0)
               order by e.global_position limit 1
            )), 0)::float8 as lag_seconds
       from unnest($1::text[]) with ordinality as p(projector, ordinal)
       left join projector_checkpoints c using (projector)
      order by p.ordinal`,
    [projectors.map((projector) => projector.name)],
  );
  return rows.map((row) => ({
    projector: row.projector,
    position: row.position,
    asOf: row.as_of ? row.as_of.toISOString() : null,
    lagEvents: row.lag_events,
    lagSeconds: Math.max(0, Math.round(row.lag_seconds * 1000) / 1000),
    error: row.error,
    errorPosition: row.error_position,
  }));
}
