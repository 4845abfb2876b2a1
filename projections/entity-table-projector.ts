import { deferIndexesWhileEmpty } from './deferred-indexes.ts';
import { deriveFor, type Projector } from './projector.ts';
import type { EntityChange } from './read-entity-changes.ts';
import { type CurrentVersion, diffVersions } from './scd2-diff.ts';
import { type EntityTableSpec, entityKey, type Row } from './table-spec.ts';
import {
  type ExpiredVersion,
  expireVersions,
  insertVersions,
  loadCurrentVersions,
  type NewVersion,
} from './version-store.ts';

/**
 * The projector of a table whose rows come from one entity's state: per
 * chunk, the entities' current versions are loaded in one query, diffed in
 * memory against the rows of their new states, and the differences written
 * in one UPDATE and one COPY.
 */
export function entityTableProjector(spec: EntityTableSpec): Projector {
  return {
    name: spec.table,
    begin(batch, writes) {
      // Read back only for entities not registered in the snapshot, which an empty table has none of.
      const indexes = deferIndexesWhileEmpty(writes, spec.table);
      return {
        async apply(changes) {
          const next = changes.map((change) => nextRows(spec, change));
          // A registered entity was not current, so it has no current versions: a day-0 snapshot reads nothing back.
          const known = changes.filter((change) => change.type !== 'CoveredEntityRegistered');
          const current =
            known.length === 0
              ? []
              : await writes.read((client) =>
                  loadCurrentVersions(
                    client,
                    spec,
                    ['id340b', 'ce_id'],
                    [known.map((change) => change.key.id340b), known.map((change) => change.key.ceId)],
                  ),
                );
          const currentByEntity = new Map<string, CurrentVersion[]>();
          for (const version of current) {
            const key = entityKey(version.row[0], version.row[1]);
            const versions = currentByEntity.get(key);
            if (versions) versions.push(version);
            else currentByEntity.set(key, [version]);
          }
          const expired: ExpiredVersion[] = [];
          const inserted: NewVersion[] = [];
          for (const [index, change] of changes.entries()) {
            const versions = currentByEntity.get(entityKey(change.key.id340b, change.key.ceId)) ?? [];
            const diff = deriveFor(change, spec.table, () =>
              diffVersions(spec, versions, next[index] as Row[]),
            );
            for (const { rowId, deleted } of diff.expire)
              expired.push({ rowId, deleted, position: change.position });
            for (const { row, changeType } of diff.insert)
              inserted.push({ row, changeType, position: change.position });
          }
          expireVersions(writes, spec.table, batch, expired);
          insertVersions(writes, spec, batch, inserted);
        },
        finish: () => indexes.restore(),
      };
    },
  };
}

function nextRows(spec: EntityTableSpec, change: EntityChange): Row[] {
  const entity = change.entity;
  return entity === undefined ? [] : deriveFor(change, spec.table, () => spec.rows(entity, change.key));
}
