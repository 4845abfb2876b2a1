import type pg from 'pg';
import type { Writes } from './write-behind.ts';

/** A table's indexes put off while a snapshot fills it. */
export interface DeferredIndexes {
  /** Whether the table was empty at the snapshot's start (its indexes are then put off). */
  empty: Promise<boolean>;
  /** Queues the building of what was dropped; call after the table's last rows are queued. */
  restore(): Promise<void>;
}

/**
 * When `table` is empty at the snapshot's start (day 0, a rebuild's first
 * snapshot), drops its indexes and index-backed constraints in the
 * snapshot's transaction, so that its rows go in without them, and builds
 * them again once at the end. Full-scale day 0: COPY of
 * dim_ce_contract_pharmacy's 452k rows took 4.1 s of PostgreSQL with its
 * three indexes, 1.3 s without them plus 0.8 s to build them; of
 * dim_pharmacy_sources' 2.5 s, 0.8 s plus 0.6 s. A rollback brings the
 * indexes back, and a unique index that the rows break fails its build,
 * which stops the projector as the insert would have. The DDL holds the
 * table exclusively until the commit: readers wait for a day-0 projection
 * instead of seeing an empty table. Reads of the table in this snapshot
 * find no rows either way but scan it, so call only for a projector that
 * reads it back for no entity registered in the snapshot, or not at all.
 */
export function deferIndexesWhileEmpty(writes: Writes, table: string): DeferredIndexes {
  const dropped = writes.read((client) => dropIndexesIfEmpty(client, table));
  const empty = dropped.then((statements) => statements !== undefined);
  empty.catch(() => {}); // awaited in restore
  return {
    empty,
    async restore() {
      for (const statement of (await dropped) ?? []) writes.query(statement, []);
    },
  };
}

/** Drops the indexes of `table` if it has no rows; returns the statements that build them again. */
async function dropIndexesIfEmpty(client: pg.ClientBase, table: string): Promise<string[] | undefined> {
  const { rows: any } = await client.query(`select 1 from ${table} limit 1`);
  if (any.length > 0) return undefined;
  const { rows: indexes } = await client.query<{
    index: string;
    definition: string;
    constraint: string | null;
    constraintDefinition: string | null;
  }>(
    `select i.indexrelid::regclass::text as index, pg_get_indexdef(i.indexrelid) as definition,
            quote_ident(c.conname) as constraint, pg_get_constraintdef(c.oid) as "constraintDefinition"
       from pg_index i left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
      where i.indrelid = $1::regclass order by i.indexrelid`,
    [table],
  );
  const restore: string[] = [];
  for (const index of indexes) {
    if (index.constraint === null) {
      await client.query(`drop index ${index.index}`);
      restore.push(index.definition);
    } else {
      await client.query(`alter table ${table} drop constraint ${index.constraint}`);
      restore.push(`alter table ${table} add constraint ${index.constraint} ${index.constraintDefinition}`);
    }
  }
  return restore;
}
