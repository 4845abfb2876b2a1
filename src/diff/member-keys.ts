import type { MemberKey } from '../events/change-detail.ts';

/**
 * The natural key of each keyed child collection (docs/events.md): members
 * with the same key in two versions are one member that changed, not a
 * removal and an addition. `shippingAddresses` have none: an address is
 * identified by all it says.
 */
const keyMembers: Readonly<Record<string, readonly string[]>> = {
  contractPharmacies: ['contractId'],
  npiNumbers: ['npiNumber', 'state'],
  medicaidNumbers: ['medicaidNumber', 'state'],
};

/** The key members of a child collection, or undefined for an unkeyed one. */
export function keyMembersOf(collection: string): readonly string[] | undefined {
  return keyMembers[collection];
}

/** A member's key, a missing part as `null` (an NPI without a state is a normal case). */
export function memberKey(member: Record<string, unknown>, members: readonly string[]): MemberKey {
  const key: MemberKey = {};
  for (const name of members) key[name] = member[name] ?? null;
  return key;
}
