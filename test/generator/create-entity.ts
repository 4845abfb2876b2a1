import type { ContractPharmacy, CoveredEntity, ShippingAddress, TrackedEntity } from './model.ts';
import { fillPattern, makeAddress, makeContact } from './people-and-places.ts';
import { type Pharmacy, type PharmacyPool, pickPharmacy } from './pharmacy-pool.ts';
import type { Random } from './random.ts';
import { between, dateOnly, dayMs, epochOf, timestamp } from './timestamps.ts';
import {
  contractComments,
  type EntityClass,
  entityTypes,
  grantPrefixes,
  namePatterns,
  stateCodes,
  stateWeights,
  subNamePatterns,
  terminationReasons,
} from './vocabulary.ts';

/** What creating and editing entities share: the series' random stream, the pharmacy pool and the id counters. */
export interface GeneratorContext {
  random: Random;
  pool: PharmacyPool;
  ids: { nextUid: number; nextCeId: number; nextContractId: number; usedId340B: Set<string> };
  /** Midnight (UTC) of the day whose edits the snapshot being built carries. */
  todayMs: number;
  /** Full scale is 1; smaller series get proportionally smaller giants. */
  scale: number;
}

const programStartMs = epochOf('1993-01-01');
const contractsStartMs = epochOf('2010-04-01');

/** A parent entity and its child sites, all sharing the parent's id340B number. */
export function createOrganisation(context: GeneratorContext, giant = false): TrackedEntity[] {
  const { random } = context;
  const entityType = giant ? 'DSH' : weightedType(random);
  const [, entityClass, meanChildren] = entityTypes[entityType] as readonly [number, EntityClass, number];
  const parent = createParent(context, entityType, entityClass, giant);
  const organisation = [parent];
  // Geometric number of child sites with the type's mean.
  for (let n = 0; n < 40 && random.chance(meanChildren / (meanChildren + 1)); n++) {
    const child = createChildSite(context, parent.entity);
    if (child) organisation.push(child);
  }
  return organisation;
}

/** A new child site of `parent` (same number, the next free letter), or undefined when the letters run out. */
export function createChildSite(context: GeneratorContext, parent: CoveredEntity): TrackedEntity | undefined {
  const { random, ids } = context;
  const id340B = childId340B(parent, ids.usedId340B);
  if (!id340B) return undefined;
  ids.usedId340B.add(id340B);
  const state = parent.streetAddress?.state ?? random.weighted(stateWeights);
  const entityClass = classOf(parent.entityType);
  const entity: CoveredEntity = {
    ...baseEntity(context, parent.entityType, id340B, state),
    name: parent.name,
    subName: fillPattern(random, random.pick(subNamePatterns)),
    grantNumber: parent.grantNumber,
    billingAddress: parent.billingAddress,
    authorizingOfficial: parent.authorizingOfficial,
    medicaidNumbers: random.chance(0.5) ? [...parent.medicaidNumbers] : medicaidNumbers(random, state),
  };
  addContracts(context, entity, contractCount(random, entityClass));
  return track(context, entity, false);
}

/** Adds up to `count` contract rows with pharmacies the entity has no contract with yet. */
export function addContracts(
  context: GeneratorContext,
  entity: CoveredEntity,
  count: number,
  freshMs?: number,
): void {
  const { random, pool } = context;
  const taken = new Set(entity.contractPharmacies.map((row) => row.pharmacyId));
  // Giants contract nationwide; everyone else mostly locally.
  const state = count > 200 ? undefined : entity.streetAddress?.state;
  for (let i = 0; i < count; i++) {
    const pharmacy = pickPharmacy(random, pool, state, taken);
    if (!pharmacy) return;
    taken.add(pharmacy.pharmacyId);
    entity.contractPharmacies.push(makeContract(context, pharmacy, freshMs));
  }
}

/** A contract row repeating the pharmacy's current details. `freshMs` dates a contract made that day. */
export function makeContract(
  context: GeneratorContext,
  pharmacy: Pharmacy,
  freshMs?: number,
): ContractPharmacy {
  const { random, ids, todayMs } = context;
  ids.nextContractId += random.int(1, 3);
  const editMs = freshMs ?? between(random, todayMs - 3 * 365 * dayMs, todayMs);
  const edited = timestamp(random, editMs);
  return {
    contractId: ids.nextContractId,
    pharmacyId: pharmacy.pharmacyId,
    name: pharmacy.name,
    address: pharmacy.address,
    phoneNumber: pharmacy.phoneNumber,
    beginDate: dateOnly(freshMs ?? between(random, contractsStartMs, editMs)),
    terminationDate: freshMs === undefined && random.chance(0.04) ? dateOnly(editMs) : undefined,
    certifiedDecertifiedDate: random.chance(0.6) ? edited : undefined,
    editDate: freshMs !== undefined || random.chance(0.85) ? edited : undefined,
    comments: random.chance(0.1) ? fillPattern(random, random.pick(contractComments)) : undefined,
  };
}

export function medicaidNumbers(random: Random, state: string): CoveredEntity['medicaidNumbers'] {
  const count = Number(random.weighted({ 0: 40, 1: 45, 2: 12, 3: 3 }));
  return Array.from({ length: count }, () => medicaidNumber(random, state));
}

export function medicaidNumber(random: Random, state: string): CoveredEntity['medicaidNumbers'][number] {
  const format = random.weighted({ q: 30, eight: 35, leadingZeros: 20, letters: 15 });
  const medicaidNumber =
    format === 'q'
      ? `Q${random.digits(6)}`
      : format === 'eight'
        ? random.digits(8)
        : format === 'leadingZeros'
          ? `00${random.digits(7)}`
          : `${String.fromCharCode(random.int(65, 90), random.int(65, 90))}${random.digits(5)}`;
  return { medicaidNumber, state: random.chance(0.85) ? state : random.weighted(stateWeights) };
}

export function npiNumber(random: Random, state: string): CoveredEntity['npiNumbers'][number] {
  return { npiNumber: `1${random.digits(9)}`, state };
}

export function classOf(entityType: string): EntityClass {
  return entityTypes[entityType]?.[1] ?? 'program';
}

/** Contract rows of an ordinary entity: most have 0–5, a few dozens; giants are sized separately. */
export function contractCount(random: Random, entityClass: EntityClass): number {
  if (entityClass === 'program') {
    const band = random.weighted({ none: 80, few: 18, some: 2 });
    return band === 'none' ? 0 : band === 'few' ? random.int(1, 3) : random.int(4, 10);
  }
  const weights =
    entityClass === 'hospital'
      ? { none: 43, few: 30, some: 19, many: 7, lots: 1 }
      : { none: 46, few: 34, some: 15, many: 4.5, lots: 0.5 };
  const band = random.weighted(weights);
  if (band === 'none') return 0;
  if (band === 'few') return random.int(1, 5);
  if (band === 'some') return random.int(6, 20);
  return band === 'many' ? random.int(21, entityClass === 'hospital' ? 50 : 40) : random.int(51, 120);
}

export function giantContractCount(context: GeneratorContext): number {
  return Math.max(20, Math.round(context.random.int(1000, 4000) * context.scale));
}

function createParent(
  context: GeneratorContext,
  entityType: string,
  entityClass: EntityClass,
  giant: boolean,
) {
  const { random, ids } = context;
  const state = random.weighted(stateWeights);
  const id340B = parentId340B(random, entityType, entityClass, state, ids.usedId340B);
  ids.usedId340B.add(id340B);
  const name = fillPattern(random, random.pick(namePatterns[entityClass]));
  const prefix = grantPrefixes[entityType];
  const base = baseEntity(context, entityType, id340B, state);
  const entity: CoveredEntity = {
    ...base,
    name,
    subName: random.chance(0.3) ? fillPattern(random, random.pick(subNamePatterns)) : undefined,
    grantNumber: prefix && random.chance(0.95) ? `${prefix}${random.digits(5)}` : undefined,
    billingAddress: random.chance(0.95)
      ? {
          organization: random.chance(0.6) ? name : undefined,
          ...makeAddress(random, random.chance(0.85) ? state : random.weighted(stateWeights)),
        }
      : undefined,
  };
  addContracts(context, entity, giant ? giantContractCount(context) : contractCount(random, entityClass));
  return track(context, entity, giant);
}

/** The members every entity gets on its own; organisation-wide ones are set by the caller. */
function baseEntity(
  context: GeneratorContext,
  entityType: string,
  id340B: string,
  state: string,
): CoveredEntity {
  const { random, ids, todayMs } = context;
  ids.nextCeId += random.int(1, 4);
  const startMs = between(random, programStartMs, todayMs - 30 * dayMs);
  const participating = random.chance(0.88);
  const certifiedMs = between(random, Math.max(startMs, todayMs - 3 * 365 * dayMs), todayMs);
  const editMs = between(random, certifiedMs, todayMs);
  const streetAddress = random.chance(0.99) ? makeAddress(random, state) : undefined;
  const entityClass = classOf(entityType);
  return {
    ceId: ids.nextCeId,
    id340B,
    entityType,
    name: '',
    participating: participating ? 'TRUE' : 'FALSE',
    participatingStartDate: random.chance(0.98) ? dateOnly(startMs) : undefined,
    terminationDate: participating ? undefined : dateOnly(between(random, startMs, todayMs)),
    terminationReason: !participating && random.chance(0.8) ? random.pick(terminationReasons) : undefined,
    certifiedDecertifiedDate: random.chance(0.95) ? timestamp(random, certifiedMs) : undefined,
    editDate: random.chance(0.97) ? timestamp(random, editMs) : undefined,
    streetAddress,
    shippingAddresses: entityClass === 'program' ? [] : shippingAddresses(random, state, streetAddress),
    authorizingOfficial: random.chance(0.95) ? makeContact(random) : undefined,
    primaryContact: random.chance(0.97) ? makeContact(random) : undefined,
    medicaidNumbers: medicaidNumbers(random, state),
    npiNumbers: Array.from({ length: Number(random.weighted({ 0: 40, 1: 48, 2: 9, 3: 3 })) }, () =>
      npiNumber(random, state),
    ),
    contractPharmacies: [],
    extras: {},
  };
}

function shippingAddresses(
  random: Random,
  state: string,
  street: CoveredEntity['streetAddress'],
): ShippingAddress[] {
  const count = Number(random.weighted({ 0: 35, 1: 50, 2: 12, 3: 3 }));
  return Array.from({ length: count }, (_, i) =>
    i === 0 && street && random.chance(0.7)
      ? { ...street, is340BStreetAddress: true }
      : { ...makeAddress(random, state), is340BStreetAddress: false },
  );
}

function track(context: GeneratorContext, entity: CoveredEntity, giant: boolean): TrackedEntity {
  const { random } = context;
  // The odd unknown member: the data contract keeps them, never drops them (docs/data-contract.md#the-source).
  const first = entity.medicaidNumbers[0];
  if (first && random.chance(0.04)) Object.assign(entity.extras, first);
  if (random.chance(0.01)) entity.extras.dataSourceSystem = random.pick(['OPAIS', 'LEGACY-340B']);
  if (random.chance(0.005)) {
    entity.extras.programFlags = {
      orphanDrugExclusion: random.chance(0.5),
      gpoExclusion: random.chance(0.3),
    };
  }
  context.ids.nextUid += 1;
  return { uid: context.ids.nextUid, giant, entity };
}

function weightedType(random: Random): string {
  return random.weighted(
    Object.fromEntries(Object.entries(entityTypes).map(([type, [weight]]) => [type, weight])),
  );
}

/** Hospitals: type + CMS state code + 4 digits (DSH050001). Others: type + state + 3 digits + 0 (BL030740). */
function parentId340B(
  random: Random,
  entityType: string,
  entityClass: EntityClass,
  state: string,
  used: ReadonlySet<string>,
): string {
  const prefix = `${entityType}${stateCodes.get(state) ?? '00'}`;
  for (let digits = entityClass === 'hospital' ? 4 : 3; ; digits++) {
    for (let attempt = 0; attempt < 30; attempt++) {
      const id =
        entityClass === 'hospital'
          ? `${prefix}${random.digits(digits)}`
          : `${prefix}${random.digits(digits)}0`;
      if (!used.has(id)) return id;
    }
  }
}

/**
 * Child sites carry a letter suffix on the parent's number: DSH050001 →
 * DSH050001A; BL030740 → BL03074B (the trailing 0 marks the parent).
 */
function childId340B(parent: CoveredEntity, used: ReadonlySet<string>): string | undefined {
  const base = classOf(parent.entityType) === 'hospital' ? parent.id340B : parent.id340B.replace(/0$/, '');
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of ['', ...letters]) {
    for (const last of letters) {
      const id = `${base}${first}${last}`;
      if (!used.has(id)) return id;
    }
  }
  return undefined;
}
