import type { Address, Contact, ContractPharmacy, CoveredEntity, ShippingAddress } from './model.ts';
import type { Random } from './random.ts';

/**
 * How an entity is written, which docs/data-contract.md#identity-and-equality says must not matter: an absent
 * member may be missing, null or "" ({} for an object), an empty collection
 * missing, null or []. Each entity keeps a style from day to day; the noise
 * of a day changes it or shuffles member and set order for a few entities.
 */
export interface RenderStyle {
  absent: 'omit' | 'null' | 'empty';
  emptySet: 'empty' | 'omit' | 'null';
}

export interface RenderNoise {
  random: Random;
  /** Another style than the entity's own, for the day. */
  restyle: RenderStyle | undefined;
  /** Each absent member written its own way, drawn per member. */
  scatter: boolean;
  shuffleMembers: boolean;
  shuffleSets: boolean;
  /** One member of a non-empty collection written twice (exact duplicates count once). */
  duplicate: boolean;
}

export type JsonObject = Record<string, unknown>;

export function drawStyle(random: Random): RenderStyle {
  return {
    absent: random.weighted({ omit: 85, null: 10, empty: 5 }),
    emptySet: random.weighted({ empty: 70, omit: 20, null: 10 }),
  };
}

/** The noise of one entity on one day: one to three of the neutral disturbances. */
export function drawNoise(random: Random): RenderNoise {
  const kinds = new Set(
    random
      .shuffled(['restyle', 'scatter', 'shuffleMembers', 'shuffleSets', 'duplicate'])
      .slice(0, random.int(1, 3)),
  );
  return {
    random,
    restyle: kinds.has('restyle') ? drawStyle(random) : undefined,
    scatter: kinds.has('scatter'),
    shuffleMembers: kinds.has('shuffleMembers'),
    shuffleSets: kinds.has('shuffleSets'),
    duplicate: kinds.has('duplicate'),
  };
}

const omit = Symbol('omit');
type Entries = Array<[string, unknown]>;

/** The JSON object of one element of `coveredEntities`, in the export's member order unless shuffled. */
export function renderEntity(entity: CoveredEntity, style: RenderStyle, noise?: RenderNoise): JsonObject {
  const writer = createWriter(noise?.restyle ?? style, noise);
  const entries: Entries = [
    ['ceId', entity.ceId],
    ['id340B', entity.id340B],
    ['entityType', entity.entityType],
    ['name', entity.name],
    ['subName', writer.string(entity.subName)],
    ['participating', entity.participating],
    ['participatingStartDate', writer.string(entity.participatingStartDate)],
    ['terminationDate', writer.string(entity.terminationDate)],
    ['terminationReason', writer.string(entity.terminationReason)],
    ['grantNumber', writer.string(entity.grantNumber)],
    ...Object.entries(entity.extras),
    ['certifiedDecertifiedDate', writer.string(entity.certifiedDecertifiedDate)],
    ['editDate', writer.string(entity.editDate)],
    ['streetAddress', writer.object(entity.streetAddress, (address) => renderAddress(writer, address))],
    [
      'billingAddress',
      writer.object(entity.billingAddress, (address) => renderAddress(writer, address, true)),
    ],
    ['shippingAddresses', writer.set(entity.shippingAddresses, (address) => renderShipping(writer, address))],
    [
      'authorizingOfficial',
      writer.object(entity.authorizingOfficial, (contact) => renderContact(writer, contact)),
    ],
    ['primaryContact', writer.object(entity.primaryContact, (contact) => renderContact(writer, contact))],
    [
      'medicaidNumbers',
      writer.set(entity.medicaidNumbers, (item) => writer.members([...Object.entries(item)])),
    ],
    ['npiNumbers', writer.set(entity.npiNumbers, (item) => writer.members([...Object.entries(item)]))],
    ['contractPharmacies', writer.set(entity.contractPharmacies, (row) => renderContract(writer, row))],
  ];
  return writer.members(entries);
}

function renderAddress(writer: Writer, address: Address, withOrganization = false): JsonObject {
  return writer.members(addressEntries(writer, address, withOrganization));
}

function renderShipping(writer: Writer, address: ShippingAddress): JsonObject {
  return writer.members([
    ...addressEntries(writer, address, false),
    ['is340BStreetAddress', address.is340BStreetAddress],
  ]);
}

function addressEntries(writer: Writer, address: Address, withOrganization: boolean): Entries {
  return [
    ...(withOrganization ? ([['organization', writer.string(address.organization)]] as Entries) : []),
    ['addressLine1', address.addressLine1],
    ['addressLine2', writer.string(address.addressLine2)],
    ['addressLine3', writer.string(address.addressLine3)],
    ['city', address.city],
    ['state', address.state],
    ['zip', address.zip],
    ['zip4', writer.string(address.zip4)],
  ];
}

function renderContact(writer: Writer, contact: Contact): JsonObject {
  return writer.members([
    ['name', contact.name],
    ['title', writer.string(contact.title)],
    ['phoneNumber', writer.string(contact.phoneNumber)],
    ['phoneNumberExtension', writer.string(contact.phoneNumberExtension)],
  ]);
}

function renderContract(writer: Writer, row: ContractPharmacy): JsonObject {
  return writer.members([
    ['contractId', row.contractId],
    ['pharmacyId', row.pharmacyId],
    ['name', row.name],
    ['address', renderAddress(writer, row.address)],
    ['phoneNumber', writer.string(row.phoneNumber)],
    ['beginDate', row.beginDate],
    ['terminationDate', writer.string(row.terminationDate)],
    ['certifiedDecertifiedDate', writer.string(row.certifiedDecertifiedDate)],
    ['editDate', writer.string(row.editDate)],
    ['comments', writer.string(row.comments)],
  ]);
}

interface Writer {
  string(value: string | undefined): unknown;
  object<T>(value: T | undefined, render: (value: T) => JsonObject): unknown;
  set<T>(items: readonly T[], render: (item: T) => JsonObject): unknown;
  members(entries: Entries): JsonObject;
}

function createWriter(style: RenderStyle, noise: RenderNoise | undefined): Writer {
  const random = noise?.random;
  const absentStyle = () =>
    noise?.scatter ? noise.random.pick(['omit', 'null', 'empty'] as const) : style.absent;
  const emptySetStyle = () =>
    noise?.scatter ? noise.random.pick(['omit', 'null', 'empty'] as const) : style.emptySet;
  let duplicatePending = noise?.duplicate ?? false;
  return {
    string(value) {
      if (value !== undefined) return value;
      const absent = absentStyle();
      return absent === 'omit' ? omit : absent === 'null' ? null : '';
    },
    object(value, render) {
      if (value !== undefined) return render(value);
      const absent = absentStyle();
      return absent === 'omit' ? omit : absent === 'null' ? null : {};
    },
    set(items, render) {
      if (items.length === 0) {
        const absent = emptySetStyle();
        return absent === 'omit' ? omit : absent === 'null' ? null : [];
      }
      const rendered = items.map(render);
      if (duplicatePending && random) {
        duplicatePending = false;
        rendered.splice(random.int(0, rendered.length), 0, structuredClone(random.pick(rendered)));
      }
      return noise?.shuffleSets && random ? random.shuffled(rendered) : rendered;
    },
    members(entries) {
      const kept = entries.filter(([, value]) => value !== omit);
      return Object.fromEntries(noise?.shuffleMembers && random ? random.shuffled(kept) : kept);
    },
  };
}
