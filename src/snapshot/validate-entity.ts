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
interface MemberRule {
  member: string;
  expected: Shape;
  /** A string member that must look like 2024-02-16T09:29:10.8756857. */
  timestamp: boolean;
  /** The rules of the object, or of each array item, it holds. */
  nested: MemberRule[] | undefined;
}

/** The shapes, compiled once into flat lists: checking is on the hot path of every element. */
function compile(shape: Record<string, Shape>): MemberRule[] {
  return Object.entries(shape).map(([member, expected]) => {
    const nested = memberShapes[member] ?? (member === 'address' ? addressShape : undefined);
    return {
      member,
      expected,
      timestamp: expected === 'string' && timestampMembers.has(member),
      nested: nested && compile(nested),
    };
  });
}

const entityRules = compile(entityShape);

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
    return {
      ok: false,
      code: 'INVALID_TYPE',
      message: `ceId must be a non-negative integer, got ${JSON.stringify(ceId)}`,
      ...known,
    };
  }
  const problem = checkMembers(record, entityRules);
  return problem
    ? { ok: false, code: 'INVALID_TYPE', message: problem, ...known }
    : { ok: true, id340B: id340B as string, ceId: ceId as number };
}

/** The first problem, its message starting with the member's path (prefixes are added on the way out, only on failure). */
function checkMembers(record: Record<string, unknown>, rules: MemberRule[]): string | undefined {
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as MemberRule;
    const value = record[rule.member];
    if (value === undefined || value === null) continue;
    if (!hasShape(value, rule.expected)) {
      return `${rule.member} must be ${rule.expected}, got ${JSON.stringify(value).slice(0, 80)}`;
    }
    if (rule.timestamp && value !== '' && !isTimestamp(value as string)) {
      return `${rule.member} is not a timestamp like 2024-02-16T09:29:10.8756857: ${JSON.stringify(value)}`;
    }
    const nested = rule.nested;
    if (!nested) continue;
    if (!Array.isArray(value)) {
      const problem = checkMembers(value as Record<string, unknown>, nested);
      if (problem) return `${rule.member}.${problem}`;
      continue;
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null) continue;
      if (!hasShape(item, 'object')) return `${rule.member}[${i}] must be object`;
      const problem = checkMembers(item as Record<string, unknown>, nested);
      if (problem) return `${rule.member}[${i}].${problem}`;
    }
  }
  return undefined;
}

function hasShape(value: unknown, shape: Shape): boolean {
  if (shape === 'array') return Array.isArray(value);
  if (shape === 'object') return typeof value === 'object' && !Array.isArray(value);
  return typeof value === shape;
}

/**
 * /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/, by hand: the regex
 * engine made up a third of the check's cost (several timestamps per
 * contract pharmacy).
 */
function isTimestamp(text: string): boolean {
  const n = text.length;
  if (n < 19 || n === 20 || n > 27) return false;
  return (
    digits(text, 0, 4) &&
    text.charCodeAt(4) === 0x2d &&
    digits(text, 5, 7) &&
    text.charCodeAt(7) === 0x2d &&
    digits(text, 8, 10) &&
    text.charCodeAt(10) === 0x54 &&
    digits(text, 11, 13) &&
    text.charCodeAt(13) === 0x3a &&
    digits(text, 14, 16) &&
    text.charCodeAt(16) === 0x3a &&
    digits(text, 17, 19) &&
    (n === 19 || (text.charCodeAt(19) === 0x2e && digits(text, 20, n)))
  );
}

function digits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
