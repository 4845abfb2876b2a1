import { copyRows } from '../src/store/postgres/copy-rows.ts';
import { deriveFor, type Projector } from './projector.ts';
import { diffVersions } from './scd2-diff.ts';
import type { Row } from './table-spec.ts';
import {
  dimPharmacy,
  keepBestSource,
  pharmacyRows,
  pharmacySourceColumns,
  pharmacySources,
  pharmacySourceTimestampColumns,
  sourcePharmacyId,
} from './tables/dim-pharmacy.ts';
import { expireVersions, insertVersions, loadCurrentVersions, selectList } from './version-store.ts';

/**
 * dim_pharmacy across entities. Each chunk replaces its entities' contracts
 * in dim_pharmacy_sources and notes the pharmacies they named before or
 * name now; `finish` then decides those pharmacies once, on the snapshot's
 * end state, so a pharmacy that several entities touch in one snapshot gets
 * at most one new version. A version's event is the last event of the
 * snapshot that touched the pharmacy.
 *
 * The end state of a touched pharmacy's sources is what this snapshot wrote
 * plus what unchanged entities wrote before; only the latter is read back
 * (a day-0 snapshot reads nothing back), and of the former only the best
 * source per pharmacy is kept in memory.
 */
export const pharmacyProjector: Projector = {
  name: dimPharmacy.table,
  begin(client, batch) {
    const touchedBy = new Map<string, number>();
    const bestWritten = new Map<string, Row>();
    const hadSources = client
      .query<{ any: boolean }>('select exists (select 1 from dim_pharmacy_sources) as any')
      .then(({ rows }) => rows[0]?.any === true);
    hadSources.catch(() => {}); // awaited in apply/finish
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
        // A registered entity was not current, so it has no sources to replace.
        const known = (await hadSources)
          ? changes.filter((change) => change.type !== 'CoveredEntityRegistered')
          : [];
        const positionOf = new Map(
          known.map((change) => [`${change.key.id340b}\u0000${change.key.ceId}`, change.position]),
        );
        const { rows: replaced } =
          known.length === 0
            ? { rows: [] }
            : await client.query<{ pharmacy_id: string; id340b: string; ce_id: string }>(
                // Probes per entity, as in loadCurrentVersions: no full scan even without statistics.
                `delete from dim_pharmacy_sources where ctid = any(array(
                   select s.ctid from unnest($1::text[], $2::text[]) as k(id340b, ce_id)
                    cross join lateral (
                      select ctid from dim_pharmacy_sources s where s.id340b = k.id340b and s.ce_id = k.ce_id offset 0) s))
                 returning pharmacy_id, id340b, ce_id`,
                [known.map((change) => change.key.id340b), known.map((change) => change.key.ceId)],
              );
        for (const row of replaced)
          touch(row.pharmacy_id, positionOf.get(`${row.id340b}\u0000${row.ce_id}`) ?? 0);
        const added: (string | number | null)[][] = [];
        for (const [index, change] of changes.entries()) {
          for (const source of sources[index] as Row[]) {
            touch(sourcePharmacyId(source), change.position);
            keepBestSource(bestWritten, source);
            added.push([...source, change.position]);
          }
        }
        if (added.length > 0)
          await copyRows(client, 'dim_pharmacy_sources', [...pharmacySourceColumns, 'event_position'], added);
      },

      async finish() {
        if (touchedBy.size === 0) return;
        const pharmacyIds = [...touchedBy.keys()];
        const { rows: unchanged } = !(await hadSources)
          ? { rows: [] }
          : await client.query<(string | null)[]>({
              text: `select v.* from unnest($1::text[]) as k(pharmacy_id)
                       cross join lateral (
                         select ${selectList(pharmacySourceColumns, pharmacySourceTimestampColumns, 's')}
                           from dim_pharmacy_sources s
                          where s.pharmacy_id = k.pharmacy_id and s.event_position <= $2 offset 0) v`,
              values: [pharmacyIds, batch.after],
              rowMode: 'array',
            });
        const current = await loadCurrentVersions(client, dimPharmacy, ['pharmacy_id'], [pharmacyIds]);
        const diff = diffVersions(
          dimPharmacy,
          current,
          pharmacyRows([...unchanged, ...bestWritten.values()]),
        );
        const currentIds = new Map(current.map((version) => [version.rowId, version.row[0] as string]));
        await expireVersions(
          client,
          dimPharmacy.table,
          batch,
          diff.expire.map(({ rowId, deleted }) => ({
            rowId,
            deleted,
            position: touchedBy.get(currentIds.get(rowId) as string) as number,
          })),
        );
        await insertVersions(
          client,
          dimPharmacy,
          batch,
          diff.insert.map(({ row, changeType }) => ({
            row,
            changeType,
            position: touchedBy.get(row[0] as string) as number,
          })),
        );
      },
    };
  },
};
