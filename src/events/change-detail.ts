/**
 * The change detail of a `CoveredEntityChanged` event (schema version 2;
 * docs/events.md): what differs between an entity's previous and new
 * canonical state, as a list in path order.
 */

/** A JSON value of a canonical entity (a leaf is a string, number or boolean; other arrays are leaves too). */
export type ChangeValue = unknown;

/**
 * A scalar leaf that differs: `streetAddress.zip` from "19851" to "19852".
 * `from`/`to` are `null` where the member is absent in that version.
 */
export interface LeafChange {
  path: string;
  from: ChangeValue | null;
  to: ChangeValue | null;
}

/**
 * The natural key of a child-collection member: `{ contractId }` for
 * `contractPharmacies`, `{ npiNumber, state }` for `npiNumbers`,
 * `{ medicaidNumber, state }` for `medicaidNumbers` (a missing part is `null`).
 */
export type MemberKey = Record<string, ChangeValue | null>;

/** A member present in both versions under the same key, with its leaves that differ (paths within the member). */
export interface MemberChange {
  key: MemberKey;
  changes: LeafChange[];
}

/**
 * A child collection (a set) that differs. Members are in canonical form;
 * `changed` is present for the keyed collections only (`shippingAddresses`
 * have no key: a member is either added or removed).
 */
export interface CollectionChange {
  path: string;
  added: Record<string, unknown>[];
  removed: Record<string, unknown>[];
  changed?: MemberChange[];
}

export type Change = LeafChange | CollectionChange;

export function isCollectionChange(change: Change): change is CollectionChange {
  return 'added' in change;
}
