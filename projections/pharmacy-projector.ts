import type pg from 'pg';
import { deferIndexesWhileEmpty } from './deferred-indexes.ts';
import { deriveFor, type Projector } from './projector.ts';
import type { EntityChange } from './read-entity-changes.ts';
import { diffVersions } from './scd2-diff.ts';
import { entityKey, type Row } from './table-spec.ts';
import {
  dimPharmacy,
  pharmacyRows,
  pharmacySourceColumns,
  pharmacySources,
  pharmacySourceTimestampColumns,
  sourcePharmacyId,
} from './tables/dim-pharmacy.ts';
import { expireVersions, insertVersions, loadCurrentVersions, selectList } from './version-store.ts';

/**
 * dim_pharmacy across entities. Each chunk brings its entities' contracts
 * in dim_pharmacy_sources up to date and notes the pharmacies whose
 * contracts came or went; `finish` then decides those pharmacies once, on the snapshot's
 * end state, so a pharmacy that several entities touch in one snapshot gets
 * at most one new version. A version's event is the last event of the
 * snapshot that touched the pharmacy.
 *
 * The end state of a touched pharmacy's sources is dim_pharmacy_sources at
 * `finish`, which this snapshot has brought up to date: the best ones are
 * read back from it, a slice of pharmacies at a time, so that memory does
 * not grow with the number of pharmacies touched (a day 0 touches every
 * one; holding each one's best source cost ≈ 36 MB of live heap there).
 */
interface StoredSource {
  /** Its row's address, stable within the transaction (the projectors' lock keeps other writers out). */
  tid: string;
  source: Row;
}

/** The stored sources of some entities, by entity and then by the source's JSON (a multiset). */
async function loadSources(
  client: pg.ClientBase,
  changes: readonly EntityChange[],
): Promise<Map<string, Map<string, StoredSource[]>>> {
  const byEntity = new Map<string, Map<string, StoredSource[]>>();
  if (changes.length === 0) return byEntity;
  // Probes per entity, as in loadCurrentVersions: no full scan even without statistics.
  const { rows } = await client.query<(string | null)[]>({
    text: `select v.* from unnest($1::text[], $2::text[]) as k(id340b, ce_id)
             cross join lateral (
               select s.ctid::text, ${selectList(pharmacySourceColumns, pharmacySourceTimestampColumns, 's')}
                 from dim_pharmacy_sources s where s.id340b = k.id340b and s.ce_id = k.ce_id offset 0) v`,
    values: [changes.map((change) => change.key.id340b), changes.map((change) => change.key.ceId)],
    rowMode: 'array',
  });
  for (const [tid, ...source] of rows) {
    const key = entityKey(source[0] as string, source[1] as string);
    const sources = byEntity.get(key) ?? new Map<string, StoredSource[]>();
    byEntity.set(key, sources);
    const json = JSON.stringify(source);
    const same = sources.get(json);
    if (same) same.push({ tid: tid as string, source });
    else sources.set(json, [{ tid: tid as string, source }]);
  }
  return byEntity;
}

/** Pharmacies decided per read-back: bounds what `finish` holds (rows of the slice, not of the snapshot). */
const pharmacySlice = 8192;

export const pharmacyProjector: Projector = {
  name: dimPharmacy.table,
  begin(batch, writes) {
    const touchedBy = new Map<string, number>();
    // Sources are read back only when there were some; dim_pharmacy only in `finish`, before its rows.
    const sourceIndexes = deferIndexesWhileEmpty(writes, 'dim_pharmacy_sources');
    const pharmacyIndexes = deferIndexesWhileEmpty(writes, dimPharmacy.table);
    const touch = (pharmacyId: string, position: number) =>
      touchedBy.set(pharmacyId, Math.max(position, touchedBy.get(pharmacyId) ?? 0));

    return {
      async apply(changes) {
        const sources = changes.map((change) => {
          const entity = change.entity;
          return entity === undefined
            ? []
            : deriveFor(change, dimPharmacy.table, () => pharmacySources(entity, change.key));
        });
        // A registered entity was not current, so it has no sources yet.
        const known = !(await sourceIndexes.empty)
          ? changes.filter((change) => change.type !== 'CoveredEntityRegistered')
          : [];
        const stored =
          known.length === 0 ? new Map() : await writes.read((client) => loadSources(client, known));
        const removed: string[] = [];
        const added: { source: Row; position: number }[] = [];
        for (const [index, change] of changes.entries()) {
          // Only an entity's sources that differ are replaced, and only their pharmacies are decided
          // again: an edit to one contract of a giant entity does not touch its thousand pharmacies.
          const before =
            stored.get(entityKey(change.key.id340b, change.key.ceId)) ?? new Map<string, StoredSource[]>();
          for (const source of sources[index] as Row[]) {
            // An entity with no stored sources (all of day-0) keeps none: not building the key skips
            // 452k JSON.stringify calls on a full-scale day-0 (≈ 0.5 s of Node CPU measured).
            const kept = before.size > 0 ? before.get(JSON.stringify(source))?.pop() : undefined;
            if (kept) continue;
            added.push({ source, position: change.position });
            touch(sourcePharmacyId(source), change.position);
          }
          for (const gone of [...before.values()].flat()) {
            removed.push(gone.tid);
            touch(sourcePharmacyId(gone.source), change.position);
          }
        }
        if (removed.length > 0) {
          writes.query('delete from dim_pharmacy_sources where ctid = any($1::tid[])', [removed]);
        }
        if (added.length > 0) {
          writes.copy('dim_pharmacy_sources', [...pharmacySourceColumns, 'event_position'], (write) => {
            const more: [number] = [0]; // one array for every row's position (see CopyRowWriter)
            for (const { source, position } of added) {
              more[0] = position;
              write(source, more);
            }
          });
        }
      },

      async finish() {
        await sourceIndexes.restore();
        await decide();
        await pharmacyIndexes.restore();
      },
    };

    async function decide() {
      const pharmacyIds = [...touchedBy.keys()];
      for (let start = 0; start < pharmacyIds.length; start += pharmacySlice) {
        await decideSlice(pharmacyIds.slice(start, start + pharmacySlice));
      }
    }

    async function decideSlice(pharmacyIds: string[]) {
      // Only sources with a pharmacy's latest editDate (the rule's first criterion) can supply its
      // columns, so only those are read back: a chain named by hundreds of entities costs a few rows,
      // and with the index in that order (ddl/0012) the read stops after them.
      const { rows: best } = await writes.read((client) =>
        client.query<(string | null)[]>({
          text: `select v.* from unnest($1::text[]) as k(pharmacy_id)
                   cross join lateral (
                     select ${selectList(pharmacySourceColumns, pharmacySourceTimestampColumns, 's')}
                       from dim_pharmacy_sources s
                      where s.pharmacy_id = k.pharmacy_id
                      order by s.edit_stp desc nulls last
                      fetch first 1 rows with ties) v`,
          values: [pharmacyIds],
          rowMode: 'array',
        }),
      );
      // An empty dim_pharmacy has no current versions to read, and its indexes are put off: a probe would scan.
      const current = (await pharmacyIndexes.empty)
        ? []
        : await writes.read((client) =>
            loadCurrentVersions(client, dimPharmacy, ['pharmacy_id'], [pharmacyIds]),
          );
      const diff = diffVersions(dimPharmacy, current, pharmacyRows(best));
      const currentIds = new Map(current.map((version) => [version.rowId, version.row[0] as string]));
      expireVersions(
        writes,
        dimPharmacy.table,
        batch,
        diff.expire.map(({ rowId, deleted }) => ({
          rowId,
          deleted,
          position: touchedBy.get(currentIds.get(rowId) as string) as number,
        })),
      );
      insertVersions(
        writes,
        dimPharmacy,
        batch,
        diff.insert.map(({ row, changeType }) => ({
          row,
          changeType,
          position: touchedBy.get(row[0] as string) as number,
        })),
      );
    }
  },
};
