/**
 * The generator's own model of a covered entity: the content that docs/data-contract.md#identity-and-equality
 * compares, with absent members as `undefined` and nothing else. How an
 * absent member is written (missing, null, "", [] or {}), member order and
 * set order are rendering choices (render-entity.ts) that never touch it, so
 * a model that did not change is, by construction, an unchanged entity.
 */
export interface Address {
  organization?: string;
  addressLine1: string;
  addressLine2?: string;
  addressLine3?: string;
  city: string;
  state: string;
  zip: string;
  zip4?: string;
}

export interface ShippingAddress extends Address {
  is340BStreetAddress: boolean;
}

export interface Contact {
  name: string;
  title?: string;
  phoneNumber?: string;
  phoneNumberExtension?: string;
}

export interface ContractPharmacy {
  contractId: number;
  pharmacyId: number;
  name: string;
  address: Address;
  phoneNumber?: string;
  beginDate: string;
  terminationDate?: string;
  certifiedDecertifiedDate?: string;
  editDate?: string;
  comments?: string;
}

export interface CoveredEntity {
  ceId: number;
  id340B: string;
  entityType: string;
  name: string;
  subName?: string;
  participating: 'TRUE' | 'FALSE';
  participatingStartDate?: string;
  terminationDate?: string;
  terminationReason?: string;
  grantNumber?: string;
  certifiedDecertifiedDate?: string;
  editDate?: string;
  streetAddress?: Address;
  billingAddress?: Address;
  shippingAddresses: ShippingAddress[];
  authorizingOfficial?: Contact;
  primaryContact?: Contact;
  medicaidNumbers: Array<{ medicaidNumber: string; state: string }>;
  npiNumbers: Array<{ npiNumber: string; state: string }>;
  contractPharmacies: ContractPharmacy[];
  /** Members the data contract does not name (real exports carry some); they must survive into the events. */
  extras: Record<string, unknown>;
}

/** An entity as the series tracks it: the content plus bookkeeping that is never written. */
export interface TrackedEntity {
  /** Stable across edits and removals; seeds the entity's rendering style. */
  uid: number;
  /** One of the few very large hospitals (thousands of contract pharmacies). */
  giant: boolean;
  entity: CoveredEntity;
}

/** The entity key (docs/data-contract.md#identity-and-equality), written as in stream ids: `<id340B>.<ceId>`. */
export function entityKey(entity: Pick<CoveredEntity, 'id340B' | 'ceId'>): string {
  return `${entity.id340B}.${entity.ceId}`;
}
