import type { DataQualityProblem } from '../events/event-types.ts';

export type EntityCheck =
  | { ok: true; id340B: string; ceId: number }
  | { ok: false; code: DataQualityProblem['code']; message: string; id340B?: string; ceId?: number };

type Shape = 'string' | 'number' | 'boolean' | 'object' | 'array';

const addressShape: Record<string, Shape> = {
  addressLine1: 'string',
  addressLine2: 'string',
  addressLine3: 'string',
  city: 'string',
  state: 'string',
  zip: 'string',
  zip4: 'string',
  organization: 'string',
  is340BStreetAddress: 'boolean',
};
const contactShape: Record<string, Shape> = {
  name: 'string',
  title: 'string',
  phoneNumber: 'string',
  phoneNumberExtension: 'string',
};

/** The types SPEC §1 gives the known members; unknown members may hold anything. */
const entityShape: Record<string, Shape> = {
  ceId: 'number',
  id340B: 'string',
  entityType: 'string',
  name: 'string',
  subName: 'string',
  grantNumber: 'string',
  terminationReason: 'string',
  participating: 'string',
  participatingStartDate: 'string',
  terminationDate: 'string',
  certifiedDecertifiedDate: 'string',
  editDate: 'string',
  streetAddress: 'object',
  billingAddress: 'object',
  shippingAddresses: 'array',
  authorizingOfficial: 'object',
  primaryContact: 'object',
  medicaidNumbers: 'array',
  npiNumbers: 'array',
  contractPharmacies: 'array',
};
const memberShapes: Record<string, Record<string, Shape>> = {
  streetAddress: addressShape,
  billingAddress: addressShape,
  shippingAddresses: addressShape,
  authorizingOfficial: contactShape,
  primaryContact: contactShape,
  medicaidNumbers: { medicaidNumber: 'string', state: 'string' },
  npiNumbers: { npiNumber: 'string', state: 'string' },
  contractPharmacies: {
    contractId: 'number',
    pharmacyId: 'number',
    name: 'string',
    address: 'object',
    phoneNumber: 'string',
    beginDate: 'string',
    terminationDate: 'string',
    certifiedDecertifiedDate: 'string',
    editDate: 'string',
    comments: 'string',
  },
};
const timestampMembers = new Set([
  'participatingStartDate',
  'terminationDate',
  'certifiedDecertifiedDate',
  'editDate',
  'beginDate',
]);
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

/**
 * Checks the key (id340B, ceId) and the types of the known members. A value
 * of the wrong type would be silently mis-projected (a numeric zip loses its
 * leading zero), so the entity is skipped and reported instead.
 */
export function validateEntity(entity: unknown): EntityCheck {
  if (entity === null || typeof entity !== 'object' || Array.isArray(entity)) {
    return { ok: false, code: 'NOT_AN_OBJECT', message: 'element of coveredEntities is not an object' };
  }
  const record = entity as Record<string, unknown>;
  const id340B = record.id340B;
  const ceId = record.ceId;
  const known = {
    ...(typeof id340B === 'string' && id340B !== '' ? { id340B } : {}),
    ...(typeof ceId === 'number' ? { ceId } : {}),
  };
  if (id340B === undefined || id340B === null || id340B === '') {
    return { ok: false, code: 'MISSING_KEY', message: 'id340B is missing', ...known };
  }
  if (ceId === undefined || ceId === null) {
    return { ok: false, code: 'MISSING_KEY', message: 'ceId is missing', ...known };
  }
  if (!Number.isSafeInteger(ceId) || (ceId as number) < 0) {
    return { ok: false, code: 'INVALID_TYPE', message: `ceId must be a non-negative integer, got ${JSON.stringify(ceId)}`, ...known };
  }
  const problem = checkMembers(record, entityShape, '');
  return problem
    ? { ok: false, code: 'INVALID_TYPE', message: problem, ...known }
    : { ok: true, id340B: id340B as string, ceId: ceId as number };
}

function checkMembers(record: Record<string, unknown>, shape: Record<string, Shape>, prefix: string): string | undefined {
  for (const [member, expected] of Object.entries(shape)) {
    const value = record[member];
    if (value === undefined || value === null) continue;
    const path = prefix + member;
    if (!hasShape(value, expected)) return `${path} must be ${expected}, got ${JSON.stringify(value).slice(0, 80)}`;
    if (expected === 'string' && timestampMembers.has(member) && value !== '' && !timestampPattern.test(value as string)) {
      return `${path} is not a timestamp like 2024-02-16T09:29:10.8756857: ${JSON.stringify(value)}`;
    }
    const nested = memberShapes[member] ?? (member === 'address' ? addressShape : undefined);
    if (!nested) continue;
    const items = Array.isArray(value) ? value : [value];
    for (const [index, item] of items.entries()) {
      const itemPath = Array.isArray(value) ? `${path}[${index}]` : path;
      if (item === null) continue;
      if (!hasShape(item, 'object')) return `${itemPath} must be object`;
      const problem = checkMembers(item as Record<string, unknown>, nested, `${itemPath}.`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function hasShape(value: unknown, shape: Shape): boolean {
  if (shape === 'array') return Array.isArray(value);
  if (shape === 'object') return typeof value === 'object' && !Array.isArray(value);
  return typeof value === shape;
}
