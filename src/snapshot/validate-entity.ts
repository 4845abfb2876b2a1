import type { DataQualityProblem } from '../events/event-types.ts';
import { isIdNumber, isSourceTimestamp, trueFalseFlagOf } from './source-value-rules.ts';
import { storageProblem } from './storage-limits.ts';

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

/** The types docs/data-contract.md#the-source gives the known members; unknown members may hold anything. */
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
/** What a value of the right type must also be for the projections to apply it (source-value-rules.ts). */
type ValueCheck = (value: unknown) => { code: DataQualityProblem['code']; message: string } | undefined;

const timestamp: ValueCheck = (value) => {
  const text = value as string;
  if (text === '' || isSourceTimestamp(text)) return undefined;
  return {
    code: 'INVALID_TYPE',
    message: `is not a timestamp that exists, written like 2024-02-16T09:29:10.8756857: ${JSON.stringify(text).slice(0, 80)}`,
  };
};
const trueFalse: ValueCheck = (value) =>
  value === '' || trueFalseFlagOf(value as string) !== undefined
    ? undefined
    : {
        code: 'INVALID_VALUE',
        message: `must be "TRUE" or "FALSE", got ${JSON.stringify(value).slice(0, 80)}`,
      };
const idNumber: ValueCheck = (value) =>
  isIdNumber(value)
    ? undefined
    : {
        code: 'INVALID_VALUE',
        message: `must be an integer within ±(2^53 - 1), got ${JSON.stringify(value)}`,
      };

const valueChecks: Record<string, ValueCheck> = {
  participatingStartDate: timestamp,
  terminationDate: timestamp,
  certifiedDecertifiedDate: timestamp,
  editDate: timestamp,
  beginDate: timestamp,
  participating: trueFalse,
  contractId: idNumber,
  pharmacyId: idNumber,
};

interface MemberRule {
  member: string;
  expected: Shape;
  value: ValueCheck | undefined;
  /** The rules of the object, or of each array item, it holds. */
  nested: MemberRule[] | undefined;
}

/** The shapes, compiled once into flat lists: checking is on the hot path of every element. */
function compile(shape: Record<string, Shape>): MemberRule[] {
  return Object.entries(shape).map(([member, expected]) => {
    const nested = memberShapes[member] ?? (member === 'address' ? addressShape : undefined);
    return { member, expected, value: valueChecks[member], nested: nested && compile(nested) };
  });
}

const entityRules = compile(entityShape);

/**
 * Checks the key (id340B, ceId), the types of the known members and what
 * the projections need of their values, then what the store can hold (see
 * storage-limits.ts). A value of the wrong type would be silently
 * mis-projected (a numeric zip loses its leading zero), one the projections
 * cannot apply would stop them, one the store cannot hold would fail the
 * whole snapshot: the entity is skipped and reported instead. `text`, the
 * element's JSON when the caller has it, lets the storage check skip work.
 */
export function validateEntity(entity: unknown, text?: string): EntityCheck {
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
  const problem =
    checkMembers(record, entityRules) ?? contractKeyProblem(record) ?? storageProblem(record, text);
  if (!problem) return { ok: true, id340B: id340B as string, ceId: ceId as number };
  return {
    ok: false,
    code: problem.code,
    message: storable(problem.message),
    ...known,
    ...(known.id340B === undefined ? {} : { id340B: storable(known.id340B.slice(0, 100)) }),
  };
}

/**
 * The report of a problem is stored itself (in the SnapshotIngested event):
 * what it quotes of the entity must not bring U+0000 or a lone surrogate
 * along (a quote cut short can split a surrogate pair). Both become U+FFFD.
 */
function storable(text: string): string {
  return text.replace(/[\0\p{Cs}]/gu, '\uFFFD');
}

interface Problem {
  code: DataQualityProblem['code'];
  message: string;
}

/** The first problem, its message starting with the member's path (prefixes are added on the way out, only on failure). */
function checkMembers(record: Record<string, unknown>, rules: MemberRule[]): Problem | undefined {
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as MemberRule;
    const value = record[rule.member];
    if (value === undefined || value === null) continue;
    if (!hasShape(value, rule.expected)) {
      return {
        code: 'INVALID_TYPE',
        message: `${rule.member} must be ${rule.expected}, got ${JSON.stringify(value).slice(0, 80)}`,
      };
    }
    const invalid = rule.value?.(value);
    if (invalid) return { code: invalid.code, message: `${rule.member} ${invalid.message}` };
    const nested = rule.nested;
    if (!nested) continue;
    if (!Array.isArray(value)) {
      const problem = checkMembers(value as Record<string, unknown>, nested);
      if (problem) return { code: problem.code, message: `${rule.member}.${problem.message}` };
      continue;
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null) continue;
      if (!hasShape(item, 'object'))
        return { code: 'INVALID_TYPE', message: `${rule.member}[${i}] must be object` };
      const problem = checkMembers(item as Record<string, unknown>, nested);
      if (problem) return { code: problem.code, message: `${rule.member}[${i}].${problem.message}` };
    }
  }
  return undefined;
}

/**
 * A contract pharmacy's row is keyed by its contractId within the entity:
 * one without it, or two different ones under one id, cannot be projected.
 * (Identical repeats are one row.)
 */
function contractKeyProblem(record: Record<string, unknown>): Problem | undefined {
  const contracts = record.contractPharmacies;
  if (!Array.isArray(contracts)) return undefined;
  const seen = new Map<unknown, number>();
  for (let i = 0; i < contracts.length; i++) {
    const contract = contracts[i] as Record<string, unknown> | null;
    if (contract === null) continue;
    const id = contract.contractId;
    if (id === undefined || id === null) {
      return { code: 'MISSING_KEY', message: `contractPharmacies[${i}].contractId is missing` };
    }
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else if (JSON.stringify(contracts[first]) !== JSON.stringify(contract)) {
      return {
        code: 'INVALID_VALUE',
        message: `contractPharmacies[${i}] has the contractId ${id} of contractPharmacies[${first}] with other content`,
      };
    }
  }
  return undefined;
}

function hasShape(value: unknown, shape: Shape): boolean {
  if (shape === 'array') return Array.isArray(value);
  if (shape === 'object') return typeof value === 'object' && !Array.isArray(value);
  return typeof value === shape;
}
