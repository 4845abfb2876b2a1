import type { Address } from './model.ts';
import { fillPattern, makeAddress, makePhone } from './people-and-places.ts';
import type { Random } from './random.ts';
import { chainPharmacies, independentPharmacies, specialtyPharmacies, stateWeights } from './vocabulary.ts';

/**
 * Pharmacies are shared across entities: one pharmacy id with one name,
 * address and phone, repeated in the contract rows of every entity that
 * contracts with it. When a pharmacy's details change, only the rows edited
 * afterwards carry the new details (as in the real export), which is what
 * makes dim_pharmacy's "latest editDate wins" rule matter.
 */
export interface Pharmacy {
  pharmacyId: number;
  name: string;
  address: Address;
  phoneNumber: string | undefined;
}

export interface PharmacyPool {
  all: Pharmacy[];
  byId: Map<number, Pharmacy>;
  byState: Map<string, Pharmacy[]>;
  /** Mail-order and specialty pharmacies that entities in every state contract with. */
  specialty: Pharmacy[];
}

export function createPharmacyPool(random: Random, size: number): PharmacyPool {
  const pool: PharmacyPool = { all: [], byId: new Map(), byState: new Map(), specialty: [] };
  let pharmacyId = 10_000;
  for (let i = 0; i < size; i++) {
    pharmacyId += random.int(1, 4);
    const kind = random.weighted({ chain: 55, independent: 40, specialty: 5 });
    const state = random.weighted(stateWeights);
    const patterns =
      kind === 'chain' ? chainPharmacies : kind === 'specialty' ? specialtyPharmacies : independentPharmacies;
    const pharmacy: Pharmacy = {
      pharmacyId,
      name: fillPattern(random, random.pick(patterns)).toUpperCase(),
      address: makeAddress(random, state),
      phoneNumber: random.chance(0.85) ? makePhone(random) : undefined,
    };
    pool.all.push(pharmacy);
    pool.byId.set(pharmacyId, pharmacy);
    if (kind === 'specialty') pool.specialty.push(pharmacy);
    else {
      const list = pool.byState.get(state) ?? [];
      list.push(pharmacy);
      pool.byState.set(state, list);
    }
  }
  return pool;
}

/**
 * A pharmacy for an entity in `state` (undefined: anywhere) that is not among `taken`. Mostly
 * local, popular ones (the start of each list) far more often, so chains are
 * shared by many entities; now and then a specialty or a far-away one.
 * Undefined when every pharmacy is taken.
 */
export function pickPharmacy(
  random: Random,
  pool: PharmacyPool,
  state: string | undefined,
  taken: ReadonlySet<number>,
): Pharmacy | undefined {
  const local = state === undefined ? undefined : pool.byState.get(state);
  for (let attempt = 0; attempt < 20; attempt++) {
    const from = random.weighted({
      local: local ? 85 : 0,
      specialty: pool.specialty.length > 0 ? 8 : 0,
      any: 7,
    });
    const list = from === 'local' && local ? local : from === 'specialty' ? pool.specialty : pool.all;
    const candidate = list[Math.floor(list.length * random.next() ** 2)] as Pharmacy;
    if (!taken.has(candidate.pharmacyId)) return candidate;
  }
  const start = random.int(0, pool.all.length - 1);
  for (let i = 0; i < pool.all.length; i++) {
    const candidate = pool.all[(start + i) % pool.all.length] as Pharmacy;
    if (!taken.has(candidate.pharmacyId)) return candidate;
  }
  return undefined;
}

/** The pharmacy moved, was renamed or got a new phone. Replaces objects, never edits them: rows share them. */
export function changePharmacy(random: Random, pharmacy: Pharmacy): void {
  const change = random.weighted({ phone: 45, address: 35, name: 20 });
  if (change === 'phone') pharmacy.phoneNumber = makePhone(random);
  else if (change === 'address') pharmacy.address = makeAddress(random, pharmacy.address.state);
  else pharmacy.name = `${pharmacy.name.replace(/ \(FORMERLY .*\)$/, '')} (FORMERLY ${random.digits(3)})`;
}
