import { type CollectionChange, isCollectionChange, type LeafChange } from '../events/change-detail.ts';
import type { DataQualityProblem, SnapshotCounts, SnapshotSourceInfo } from '../events/event-types.ts';
import type { ChangeItem } from '../feed/change-feed-queries.ts';
import { keyText, memberText, valueText } from './member-text.ts';

/**
 * The morning report of one snapshot (docs/changes.md): what its
 * ingest changed, counted and listed, built from the snapshot's change-feed
 * items alone. Every list is cut at `limit` rows (its `total` says how many
 * there are); counts are never cut.
 */
export interface MorningReport {
  snapshot: {
    asOf: string;
    position: number;
    sha256: string;
    source: SnapshotSourceInfo;
    /** The ingest summary's counts, as SnapshotIngested recorded them. */
    counts: SnapshotCounts;
    previousAsOf: string | null;
  };
  counts: {
    byKind: KindCounts;
    byEntityType: Array<{ entityType: string | null } & KindCounts>;
    byState: Array<{ state: string | null } & KindCounts>;
  };
  registered: ReportList<EntityLine>;
  removed: ReportList<EntityLine>;
  participation: ReportList<EntityLine & FieldChange>;
  contractPharmacies: {
    added: number;
    removed: number;
    terminated: number;
    changed: number;
    entities: number;
    /** The entities with the largest net change (added − removed − terminated), largest magnitude first. */
    largestNetChange: ReportList<EntityLine & PharmacyTally>;
  };
  addresses: ReportList<EntityLine & FieldChange>;
  npiNumbers: ReportList<EntityLine & FieldChange>;
  medicaidNumbers: ReportList<EntityLine & FieldChange>;
  dataQuality: ReportList<DataQualityProblem>;
}

export interface KindCounts {
  registered: number;
  changed: number;
  removed: number;
  total: number;
}

export interface ReportList<Row> {
  total: number;
  items: Row[];
}

export interface EntityLine {
  id340B: string;
  ceId: number;
  name: string | null;
  entityType: string | null;
  state: string | null;
}

/** One field's before → after; for a set member, `before` is null when added and `after` null when removed. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export interface PharmacyTally {
  added: number;
  removed: number;
  terminated: number;
  changed: number;
  net: number;
}

export interface ReportSnapshot {
  asOf: string;
  position: number;
  sha256: string;
  source: SnapshotSourceInfo;
  counts: SnapshotCounts;
  dataQualityProblemCount: number;
  dataQuality: DataQualityProblem[];
  previousAsOf: string | null;
}

export const defaultReportLimit = 1000;

export function buildReport(
  snapshot: ReportSnapshot,
  items: readonly ChangeItem[],
  limit = defaultReportLimit,
): MorningReport {
  const list = <Row>(rows: Row[], total = rows.length): ReportList<Row> => ({
    total,
    items: rows.slice(0, limit),
  });
  const registered: EntityLine[] = [];
  const removed: EntityLine[] = [];
  const participation: Array<EntityLine & FieldChange> = [];
  const addresses: Array<EntityLine & FieldChange> = [];
  const npiNumbers: Array<EntityLine & FieldChange> = [];
  const medicaidNumbers: Array<EntityLine & FieldChange> = [];
  const tallies: Array<EntityLine & PharmacyTally> = [];

  for (const item of items) {
    const entity = entityLine(item);
    if (item.type === 'CoveredEntityRegistered') registered.push(entity);
    else if (item.type === 'CoveredEntityRemoved') removed.push(entity);
    for (const change of item.changes ?? []) {
      const top = change.path.split('.')[0] as string;
      if (isCollectionChange(change)) {
        if (top === 'contractPharmacies') tallies.push({ ...entity, ...pharmacyTally(change) });
        else if (top === 'shippingAddresses') addresses.push(...memberLines(entity, change));
        else if (top === 'npiNumbers') npiNumbers.push(...memberLines(entity, change));
        else if (top === 'medicaidNumbers') medicaidNumbers.push(...memberLines(entity, change));
      } else if (change.path === 'participating' || change.path === 'terminationDate') {
        participation.push({ ...entity, ...leafLine(change) });
      } else if (top === 'streetAddress' || top === 'billingAddress') {
        addresses.push({ ...entity, ...leafLine(change) });
      }
    }
  }

  const sum = (pick: (tally: PharmacyTally) => number) =>
    tallies.reduce((total, tally) => total + pick(tally), 0);
  const leaders = tallies
    .filter((tally) => tally.net !== 0)
    .sort((a, b) => Math.abs(b.net) - Math.abs(a.net) || a.id340B.localeCompare(b.id340B) || a.ceId - b.ceId);
  return {
    snapshot: {
      asOf: snapshot.asOf,
      position: snapshot.position,
      sha256: snapshot.sha256,
      source: snapshot.source,
      counts: snapshot.counts,
      previousAsOf: snapshot.previousAsOf,
    },
    counts: {
      byKind: kindCounts(items),
      byEntityType: groupCounts(items, (item) => item.entityType).map(([entityType, counts]) => ({
        entityType,
        ...counts,
      })),
      byState: groupCounts(items, (item) => item.state).map(([state, counts]) => ({ state, ...counts })),
    },
    registered: list(registered),
    removed: list(removed),
    participation: list(participation),
    contractPharmacies: {
      added: sum((tally) => tally.added),
      removed: sum((tally) => tally.removed),
      terminated: sum((tally) => tally.terminated),
      changed: sum((tally) => tally.changed),
      entities: tallies.length,
      largestNetChange: { total: leaders.length, items: leaders.slice(0, Math.min(limit, 20)) },
    },
    addresses: list(addresses),
    npiNumbers: list(npiNumbers),
    medicaidNumbers: list(medicaidNumbers),
    dataQuality: list(snapshot.dataQuality, snapshot.dataQualityProblemCount),
  };
}

function entityLine(item: ChangeItem): EntityLine {
  return {
    id340B: item.id340B,
    ceId: item.ceId,
    name: item.name,
    entityType: item.entityType,
    state: item.state,
  };
}

function kindCounts(items: readonly ChangeItem[]): KindCounts {
  const counts: KindCounts = { registered: 0, changed: 0, removed: 0, total: 0 };
  for (const item of items) {
    counts.total++;
    if (item.type === 'CoveredEntityRegistered') counts.registered++;
    else if (item.type === 'CoveredEntityChanged') counts.changed++;
    else counts.removed++;
  }
  return counts;
}

/** Counts by a description field, the largest group first (ties by name; unknown last). */
function groupCounts(
  items: readonly ChangeItem[],
  pick: (item: ChangeItem) => string | null,
): Array<[string | null, KindCounts]> {
  const groups = new Map<string | null, ChangeItem[]>();
  for (const item of items) {
    const key = pick(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups]
    .map(([key, group]): [string | null, KindCounts] => [key, kindCounts(group)])
    .sort(
      ([a, x], [b, y]) =>
        Number(a === null) - Number(b === null) || y.total - x.total || String(a).localeCompare(String(b)),
    );
}

function pharmacyTally(change: CollectionChange): PharmacyTally {
  let terminated = 0;
  let changed = 0;
  for (const member of change.changed ?? []) {
    const termination = member.changes.find((leaf) => leaf.path === 'terminationDate');
    if (termination && termination.from === null && termination.to !== null) terminated++;
    else changed++;
  }
  const added = change.added.length;
  const removed = change.removed.length;
  return { added, removed, terminated, changed, net: added - removed - terminated };
}

function leafLine(change: LeafChange): FieldChange {
  return { field: change.path, before: valueText(change.from), after: valueText(change.to) };
}

/** Each member added, removed or changed as one line: a changed member's differing leaves inline. */
function memberLines(entity: EntityLine, change: CollectionChange): Array<EntityLine & FieldChange> {
  const describe = (member: Record<string, unknown>) => memberText(change.path, member);
  return [
    ...change.added.map((member) => ({
      ...entity,
      field: change.path,
      before: null,
      after: describe(member),
    })),
    ...change.removed.map((member) => ({
      ...entity,
      field: change.path,
      before: describe(member),
      after: null,
    })),
    ...(change.changed ?? []).flatMap((member) =>
      member.changes.map((leaf: LeafChange) => ({
        ...entity,
        field: `${change.path}[${keyText(change.path, member.key)}].${leaf.path}`,
        before: valueText(leaf.from),
        after: valueText(leaf.to),
      })),
    ),
  ];
}
