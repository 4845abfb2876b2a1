import { addContracts, classOf, type GeneratorContext, medicaidNumber, npiNumber } from './create-entity.ts';
import type { Address, Contact, CoveredEntity, TrackedEntity } from './model.ts';
import { fillPattern, makeAddress, makeContact, makePersonName, makePhone } from './people-and-places.ts';
import { changePharmacy } from './pharmacy-pool.ts';
import type { Random } from './random.ts';
import { between, dateOnly, dayMs, timestamp } from './timestamps.ts';
import {
  namePatterns,
  secondaryLines,
  stateWeights,
  subNamePatterns,
  terminationReasons,
  titles,
} from './vocabulary.ts';

/** The day-to-day edits, weighted roughly by how often the real export shows them. */
const editWeights = {
  name: 8,
  streetAddress: 8,
  billingAddress: 6,
  contact: 14,
  contractAdd: 14,
  contractRemove: 8,
  contractTerminate: 6,
  contractRefresh: 8,
  medicaid: 7,
  npi: 5,
  participating: 6,
  shipping: 6,
  extra: 2,
} as const;

export type EditKind = keyof typeof editWeights;

type Edit = (context: GeneratorContext, tracked: TrackedEntity, nowMs: number) => void;

/**
 * Applies one or two edits that change the entity's content (docs/data-contract.md#identity-and-equality
 * equality). An edit can happen to change nothing (removing a pharmacy from
 * an entity with none); the content fingerprint catches that and another
 * edit is drawn, so an entity counted as changed always is.
 */
export function editEntity(context: GeneratorContext, tracked: TrackedEntity): EditKind[] {
  const { random, todayMs } = context;
  const entity = tracked.entity;
  const before = contentFingerprint(entity);
  const wanted = random.chance(0.2) ? 2 : 1;
  const applied: EditKind[] = [];
  for (let attempt = 0; applied.length < wanted || contentFingerprint(entity) === before; attempt++) {
    if (attempt === 50) throw new Error(`could not change entity ${entity.id340B}.${entity.ceId}`);
    const kind = random.weighted(editWeights);
    edits[kind](context, tracked, between(random, todayMs, todayMs + dayMs));
    applied.push(kind);
  }
  // The entity's own editDate moves with most entity-level edits; contract rows carry their own.
  if (applied.some((kind) => !kind.startsWith('contract')) && random.chance(0.7)) {
    entity.editDate = timestamp(random, between(random, todayMs, todayMs + dayMs));
  }
  return applied;
}

/**
 * The generator's own view of docs/data-contract.md#identity-and-equality equality over its model (which holds
 * no null or "" by construction): members sorted, the four child
 * collections as sorted sets. Independent of src/snapshot/canonicalise.ts on
 * purpose: the series tests check the expected changes against that.
 */
function contentFingerprint(entity: CoveredEntity): string {
  const { extras, ...known } = entity;
  const sets = ['shippingAddresses', 'medicaidNumbers', 'npiNumbers', 'contractPharmacies'] as const;
  const parts: Record<string, unknown> = { ...extras, ...known };
  for (const set of sets) {
    parts[set] = [...new Set(entity[set].map(sortedJson))].sort();
  }
  return sortedJson(parts);
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

const edits: Record<EditKind, Edit> = {
  name({ random }, { entity }) {
    if (random.chance(0.5)) {
      entity.subName =
        entity.subName !== undefined && random.chance(0.3)
          ? undefined
          : fillPattern(random, random.pick(subNamePatterns));
      return;
    }
    const entityClass = classOf(entity.entityType);
    entity.name = random.chance(0.4)
      ? `${entity.name.replace(/, INC\.$/, '')}, INC.`
      : fillPattern(random, random.pick(namePatterns[entityClass]));
  },
  streetAddress({ random }, { entity }) {
    entity.streetAddress = alterAddress(random, entity.streetAddress, stateOf(random, entity));
  },
  billingAddress({ random }, { entity }) {
    entity.billingAddress = alterAddress(random, entity.billingAddress, stateOf(random, entity));
  },
  contact({ random }, { entity }) {
    const which = random.chance(0.7) ? 'primaryContact' : 'authorizingOfficial';
    entity[which] = alterContact(random, entity[which]);
  },
  contractAdd(context, { entity, giant }, nowMs) {
    addContracts(context, entity, giant ? context.random.int(5, 40) : context.random.int(1, 3), nowMs);
  },
  contractRemove({ random }, { entity, giant }) {
    const count = Math.min(entity.contractPharmacies.length, giant ? random.int(3, 30) : random.int(1, 2));
    for (let i = 0; i < count; i++)
      entity.contractPharmacies.splice(random.int(0, entity.contractPharmacies.length - 1), 1);
  },
  contractTerminate({ random }, { entity }, nowMs) {
    const open = entity.contractPharmacies.flatMap((row, index) => (row.terminationDate ? [] : [index]));
    if (open.length === 0) return;
    const index = random.pick(open);
    const row = entity.contractPharmacies[index];
    if (!row) return;
    entity.contractPharmacies[index] = {
      ...row,
      terminationDate: dateOnly(nowMs),
      editDate: timestamp(random, nowMs),
    };
  },
  contractRefresh({ random, pool }, { entity }, nowMs) {
    if (entity.contractPharmacies.length === 0) return;
    const index = random.int(0, entity.contractPharmacies.length - 1);
    const row = entity.contractPharmacies[index];
    const pharmacy = row && pool.byId.get(row.pharmacyId);
    if (!row || !pharmacy) return;
    changePharmacy(random, pharmacy);
    entity.contractPharmacies[index] = {
      ...row,
      name: pharmacy.name,
      address: pharmacy.address,
      phoneNumber: pharmacy.phoneNumber,
      editDate: timestamp(random, nowMs),
    };
  },
  medicaid({ random }, { entity }) {
    const numbers = entity.medicaidNumbers;
    const state = stateOf(random, entity);
    if (numbers.length === 0 || random.chance(0.4)) numbers.push(medicaidNumber(random, state));
    else if (random.chance(0.5)) numbers.splice(random.int(0, numbers.length - 1), 1);
    else numbers[random.int(0, numbers.length - 1)] = medicaidNumber(random, state);
  },
  npi({ random }, { entity }) {
    const numbers = entity.npiNumbers;
    if (numbers.length === 0 || random.chance(0.5)) numbers.push(npiNumber(random, stateOf(random, entity)));
    else numbers.splice(random.int(0, numbers.length - 1), 1);
  },
  participating({ random }, { entity }, nowMs) {
    if (entity.participating === 'TRUE') {
      entity.participating = 'FALSE';
      entity.terminationDate = dateOnly(nowMs);
      entity.terminationReason = random.chance(0.8) ? random.pick(terminationReasons) : undefined;
    } else {
      entity.participating = 'TRUE';
      entity.participatingStartDate = dateOnly(nowMs + random.int(1, 90) * dayMs);
      entity.terminationDate = undefined;
      entity.terminationReason = undefined;
    }
    entity.certifiedDecertifiedDate = timestamp(random, nowMs);
  },
  shipping({ random }, { entity }) {
    const addresses = entity.shippingAddresses;
    if (addresses.length === 0 || random.chance(0.4)) {
      addresses.push({ ...makeAddress(random, stateOf(random, entity)), is340BStreetAddress: false });
    } else if (random.chance(0.5)) {
      addresses.splice(random.int(0, addresses.length - 1), 1);
    } else {
      const index = random.int(0, addresses.length - 1);
      const address = addresses[index];
      if (address) addresses[index] = { ...address, is340BStreetAddress: !address.is340BStreetAddress };
    }
  },
  extra({ random }, { entity }, nowMs) {
    if (random.chance(0.5)) entity.extras.recordStatus = random.pick(['A', 'I', 'P']);
    else entity.extras.lastVerifiedDate = timestamp(random, nowMs);
  },
};

function stateOf(random: Random, entity: CoveredEntity): string {
  return entity.streetAddress?.state ?? random.weighted(stateWeights);
}

/** A new address object (they are shared between child sites and contract rows, so never edited in place). */
function alterAddress(random: Random, address: Address | undefined, state: string): Address {
  if (!address) return makeAddress(random, state);
  const change = random.weighted({ line1: 40, line2: 20, zip4: 20, move: 20 });
  if (change === 'line1') return { ...address, addressLine1: makeAddress(random, state).addressLine1 };
  if (change === 'line2') {
    return { ...address, addressLine2: address.addressLine2 ? undefined : random.pick(secondaryLines) };
  }
  if (change === 'zip4')
    return { ...address, zip4: address.zip4 && random.chance(0.5) ? undefined : random.digits(4) };
  return { ...makeAddress(random, state), organization: address.organization };
}

function alterContact(random: Random, contact: Contact | undefined): Contact {
  if (!contact) return makeContact(random);
  const change = random.weighted({ person: 35, phone: 25, extension: 20, title: 20 });
  if (change === 'person') return { ...contact, name: makePersonName(random) };
  if (change === 'phone') return { ...contact, phoneNumber: makePhone(random) };
  if (change === 'extension') {
    return {
      ...contact,
      phoneNumberExtension: contact.phoneNumberExtension ? undefined : random.digits(random.int(2, 5)),
    };
  }
  return { ...contact, title: random.pick(titles) };
}
