import { createChildSite, createOrganisation, type GeneratorContext } from './create-entity.ts';
import { editEntity } from './edit-entity.ts';
import { entityKey, type TrackedEntity } from './model.ts';
import { createPharmacyPool } from './pharmacy-pool.ts';
import { createRandom, type Random } from './random.ts';
import { drawNoise, drawStyle, type JsonObject, type RenderStyle, renderEntity } from './render-entity.ts';
import { dayMs } from './timestamps.ts';

export interface SeriesOptions {
  seed: string | number;
  /** Entities on day 0. Full scale is 90,000 (≈ 450,000 contract-pharmacy rows). */
  entities: number;
  /** Snapshots in the series: day 0 and `days - 1` daily deltas. */
  days: number;
  /** Share of the entities edited each day (default 0.01). */
  editRate?: number;
  /** Share of new entities each day (default 0.001). */
  addRate?: number;
  /** Share of entities removed each day (default 0.0005). */
  removeRate?: number;
  /** Share (of the current count) of earlier-removed entities that come back each day (default 0.0002). */
  reappearRate?: number;
  /** Share of entities written differently but equal (order, null/missing/"", duplicates) each day (default 0.02). */
  noiseRate?: number;
  /** As-of instant of day 0 (ISO, UTC); day d is d days later (default 2026-11-01T05:00:00.000Z). */
  firstAsOf?: string;
}

/**
 * What ingesting a day should find, against the day before (day 0: against
 * nothing). Keys are `<id340B>.<ceId>`. A rate that is not 0 gives at least
 * one of its kind a day, so that small series exercise every path.
 */
export interface DayExpectation {
  entities: number;
  /** Distinct contract-pharmacy rows over all entities (written duplicates not counted). */
  contractPharmacies: number;
  registered: number;
  changed: number;
  removed: number;
  unchanged: number;
  registeredKeys: string[];
  /** The registered keys that had been removed on an earlier day. */
  reappearedKeys: string[];
  changedKeys: string[];
  removedKeys: string[];
}

export interface SeriesDay {
  day: number;
  asOf: string;
  /** The export's name with the as-of date: OPA_CE_DAILY_PUBLIC-<yyyy-mm-dd>.JSON. */
  fileName: string;
  expected: DayExpectation;
  /**
   * The elements of `coveredEntities` in file order, rendered one at a time
   * (so a writer never holds the whole snapshot). Valid until the next day is
   * drawn from the series: entities are edited in place.
   */
  entities(): Generator<JsonObject>;
}

const defaults = {
  editRate: 0.01,
  addRate: 0.001,
  removeRate: 0.0005,
  reappearRate: 0.0002,
  noiseRate: 0.02,
  firstAsOf: '2026-11-01T05:00:00.000Z',
};

/** The days of a series, one at a time. Same options, same days, byte for byte. */
export function* generateSeriesDays(options: SeriesOptions): Generator<SeriesDay> {
  const settings = {
    editRate: options.editRate ?? defaults.editRate,
    addRate: options.addRate ?? defaults.addRate,
    removeRate: options.removeRate ?? defaults.removeRate,
    reappearRate: options.reappearRate ?? defaults.reappearRate,
    noiseRate: options.noiseRate ?? defaults.noiseRate,
    firstAsOf: options.firstAsOf ?? defaults.firstAsOf,
  };
  const seed = String(options.seed);
  const random = createRandom('opais-series', seed, 'evolution');
  const firstAsOfMs = Date.parse(settings.firstAsOf);
  if (Number.isNaN(firstAsOfMs)) throw new Error(`firstAsOf is not an ISO instant: ${settings.firstAsOf}`);
  const context: GeneratorContext = {
    random,
    pool: createPharmacyPool(random, Math.max(40, Math.round(options.entities * 0.45))),
    ids: { nextUid: 0, nextCeId: 1000, nextContractId: 10_000, usedId340B: new Set() },
    todayMs: 0,
    scale: Math.min(1, options.entities / 20_000),
  };
  const styles = new Map<number, RenderStyle>();
  const styleOf = (tracked: TrackedEntity) => {
    let style = styles.get(tracked.uid);
    if (!style) {
      style = drawStyle(createRandom('opais-series', seed, 'style', tracked.uid));
      styles.set(tracked.uid, style);
    }
    return style;
  };

  let current: TrackedEntity[] = [];
  const removed: Array<{ tracked: TrackedEntity; day: number }> = [];
  for (let day = 0; day < options.days; day++) {
    const asOfMs = firstAsOfMs + day * dayMs;
    // A morning export carries the edits of the day before.
    context.todayMs = Math.floor(asOfMs / dayMs) * dayMs - dayMs;
    if (day === 0) current = firstDay(context, options.entities);
    const expected = day === 0 ? registeredAll(current) : nextDay(context, settings, day, current, removed);
    const snapshot = [...current];
    const asOf = new Date(asOfMs).toISOString();
    yield {
      day,
      asOf,
      fileName: `OPA_CE_DAILY_PUBLIC-${asOf.slice(0, 10)}.JSON`,
      expected: { ...expected, entities: snapshot.length, contractPharmacies: countRows(snapshot) },
      *entities() {
        const noiseRandom = createRandom('opais-series', seed, 'noise', day);
        for (const tracked of snapshot) {
          const noise = noiseRandom.chance(settings.noiseRate) ? drawNoise(noiseRandom) : undefined;
          yield renderEntity(tracked.entity, styleOf(tracked), noise);
        }
      },
    };
  }
}

type Counts = Omit<DayExpectation, 'entities' | 'contractPharmacies'>;

function firstDay(context: GeneratorContext, entities: number): TrackedEntity[] {
  const { random } = context;
  const giants = entities >= 200 ? Math.max(1, Math.round(entities / 4500)) : 0;
  // Giants are spread through the file (by organisation number), not bunched at its start.
  const organisations = Math.ceil(entities / 2.5);
  const giantAt = new Set(Array.from({ length: giants }, () => random.int(0, organisations - 1)));
  const list: TrackedEntity[] = [];
  let giantsMade = 0;
  for (let organisation = 0; list.length < entities; organisation++) {
    const giant = giantsMade < giants && (giantAt.has(organisation) || list.length >= entities * 0.95);
    if (giant) giantsMade++;
    list.push(...createOrganisation(context, giant));
  }
  list.length = entities;
  return list;
}

function registeredAll(list: readonly TrackedEntity[]): Counts {
  const keys = list.map((tracked) => entityKey(tracked.entity));
  return {
    registered: keys.length,
    changed: 0,
    removed: 0,
    unchanged: 0,
    registeredKeys: keys,
    reappearedKeys: [],
    changedKeys: [],
    removedKeys: [],
  };
}

function nextDay(
  context: GeneratorContext,
  settings: typeof defaults,
  day: number,
  current: TrackedEntity[],
  removed: Array<{ tracked: TrackedEntity; day: number }>,
): Counts {
  const { random } = context;
  const before = current.length;
  const editCount = Math.min(before, atLeastOne(settings.editRate, before));
  const edited = distinctIndices(random, before, editCount, () => true);
  const removable = (index: number) => !edited.has(index) && !(current[index] as TrackedEntity).giant;
  const removeCount = Math.min(before - edited.size, atLeastOne(settings.removeRate, before));
  const gone = distinctIndices(random, before, removeCount, removable);

  const changedKeys: string[] = [];
  for (const index of [...edited].sort((a, b) => a - b)) {
    const tracked = current[index] as TrackedEntity;
    editEntity(context, tracked);
    changedKeys.push(entityKey(tracked.entity));
  }
  const removedKeys: string[] = [];
  for (const index of [...gone].sort((a, b) => b - a)) {
    const [tracked] = current.splice(index, 1) as [TrackedEntity];
    removed.push({ tracked, day });
    removedKeys.push(entityKey(tracked.entity));
  }

  const reappearedKeys: string[] = [];
  const candidates = removed.flatMap((entry, index) => (entry.day < day ? [index] : []));
  const reappearCount = Math.min(candidates.length, atLeastOne(settings.reappearRate, before));
  const comeback = random
    .shuffled(candidates)
    .slice(0, reappearCount)
    .sort((a, b) => b - a);
  for (const index of comeback) {
    const [{ tracked }] = removed.splice(index, 1) as [{ tracked: TrackedEntity; day: number }];
    if (random.chance(0.5)) editEntity(context, tracked);
    current.splice(random.int(0, current.length), 0, tracked);
    reappearedKeys.push(entityKey(tracked.entity));
  }

  const addedKeys: string[] = [];
  const addCount = atLeastOne(settings.addRate, before);
  while (addedKeys.length < addCount) {
    for (const tracked of newEntities(context, current).slice(0, addCount - addedKeys.length)) {
      current.splice(random.int(0, current.length), 0, tracked);
      addedKeys.push(entityKey(tracked.entity));
    }
  }

  // Neighbours that swap places: element order is not content.
  for (
    let swaps = Math.round((current.length * settings.noiseRate) / 4);
    swaps > 0 && current.length > 1;
    swaps--
  ) {
    const index = random.int(0, current.length - 2);
    [current[index], current[index + 1]] = [
      current[index + 1] as TrackedEntity,
      current[index] as TrackedEntity,
    ];
  }

  const registeredKeys = [...reappearedKeys, ...addedKeys];
  return {
    registered: registeredKeys.length,
    changed: changedKeys.length,
    removed: removedKeys.length,
    unchanged: before - changedKeys.length - removedKeys.length,
    registeredKeys,
    reappearedKeys,
    changedKeys,
    removedKeys,
  };
}

/** A new child site of a current parent, or a new organisation. */
function newEntities(context: GeneratorContext, current: readonly TrackedEntity[]): TrackedEntity[] {
  const { random } = context;
  if (current.length > 0 && random.chance(0.3)) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const parent = random.pick(current).entity;
      // Parents' numbers end in a digit; a child's ends in its letter.
      if (!/\d$/.test(parent.id340B)) continue;
      const child = createChildSite(context, parent);
      if (child) return [child];
    }
  }
  return createOrganisation(context);
}

function atLeastOne(rate: number, count: number): number {
  return rate > 0 ? Math.max(1, Math.round(rate * count)) : 0;
}

function distinctIndices(
  random: Random,
  size: number,
  count: number,
  allowed: (index: number) => boolean,
): Set<number> {
  const chosen = new Set<number>();
  for (let attempt = 0; chosen.size < count && attempt < count * 50; attempt++) {
    const index = random.int(0, size - 1);
    if (allowed(index)) chosen.add(index);
  }
  return chosen;
}

function countRows(snapshot: readonly TrackedEntity[]): number {
  let rows = 0;
  for (const { entity } of snapshot) rows += entity.contractPharmacies.length;
  return rows;
}
