import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../test/generator/random.ts';
import { canonicalEntityJson, canonicalValue, setCollections } from './canonicalise.ts';

const canonical = (entity: object) => canonicalEntityJson(entity as Record<string, unknown>);

/**
 * The canonical form (docs/data-contract.md#identity-and-equality) written the
 * obvious way (sorted copies, then JSON.stringify): the fast single-pass
 * writer must give exactly its text.
 */
function referenceCanonicalJson(entity: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(entity).sort()) {
    const value = entity[key];
    let json: string | undefined;
    if (setCollections.has(key) && Array.isArray(value)) {
      const members = new Set<string>();
      for (const item of value) {
        const member = canonicalValue(item);
        if (member !== undefined) members.add(JSON.stringify(member));
      }
      json = members.size === 0 ? undefined : `[${[...members].sort().join(',')}]`;
    } else {
      const member = canonicalValue(value);
      json = member === undefined ? undefined : JSON.stringify(member);
    }
    if (json !== undefined) parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}

describe('canonicalEntityJson (the canonical form)', () => {
  it('ignores member order, at every level', () => {
    expect(canonical({ name: 'A', ceId: 1, streetAddress: { zip: '01234', city: 'X' } })).toBe(
      canonical({ streetAddress: { city: 'X', zip: '01234' }, ceId: 1, name: 'A' }),
    );
    expect(canonical({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('treats null, missing, "", [] and {} as absent, also when they empty a container', () => {
    const plain = { ceId: 1, id340B: 'X' };
    const noisy = {
      ceId: 1,
      id340B: 'X',
      subName: null,
      grantNumber: '',
      npiNumbers: [],
      billingAddress: {},
      streetAddress: { addressLine2: null, zip4: '' },
      shippingAddresses: [null, {}, { city: '' }],
      unknown: [[], {}, null],
    };
    expect(canonical(noisy)).toBe(canonical(plain));
    expect(canonical({})).toBe('{}');
  });

  it('keeps false, 0 and whitespace: they are values', () => {
    expect(JSON.parse(canonical({ a: false, b: 0, c: ' ', d: [0] }))).toEqual({
      a: false,
      b: 0,
      c: ' ',
      d: [0],
    });
  });

  it('treats the four child collections as sets: order irrelevant, exact duplicates once', () => {
    const npi = (npiNumber: string, state: string) => ({ npiNumber, state });
    for (const collection of setCollections) {
      const one = canonical({ ceId: 1, [collection]: [npi('1', 'VA'), npi('2', 'KY'), npi('1', 'VA')] });
      const other = canonical({ ceId: 1, [collection]: [{ state: 'KY', npiNumber: '2' }, npi('1', 'VA')] });
      expect(one).toBe(other);
      expect(JSON.parse(one)[collection]).toHaveLength(2);
    }
    expect(canonical({ npiNumbers: [npi('1', 'VA'), npi('1', 'KY')] })).not.toBe(
      canonical({ npiNumbers: [npi('1', 'VA')] }),
    );
  });

  it('keeps the order of other arrays, including arrays inside set members', () => {
    expect(canonical({ tags: ['b', 'a'] })).not.toBe(canonical({ tags: ['a', 'b'] }));
    expect(canonical({ contractPharmacies: [{ notes: ['b', 'a'] }] })).toBe(
      '{"contractPharmacies":[{"notes":["b","a"]}]}',
    );
  });

  it('compares strings exactly: no trimming, no case folding, leading zeros kept', () => {
    expect(canonical({ name: 'A ' })).not.toBe(canonical({ name: 'A' }));
    expect(canonical({ name: 'a' })).not.toBe(canonical({ name: 'A' }));
    expect(canonical({ zip: '01234' })).toBe('{"zip":"01234"}');
  });

  it('keeps unknown members', () => {
    expect(JSON.parse(canonical({ ceId: 1, newField: { x: [1, 'two'] } }))).toEqual({
      ceId: 1,
      newField: { x: [1, 'two'] },
    });
  });

  it('escapes strings as JSON.stringify does', () => {
    const strings = [
      'say "hi"',
      'back\\slash',
      'tab\tnew\nline',
      '\u0000\u001f',
      'lone \ud800 surrogate',
      'ok 😀 \u2028',
    ];
    for (const text of strings) {
      expect(canonical({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
    }
  });

  it('gives the reference text for thousands of random entities', () => {
    const random = createRandom('canonicalise');
    for (let i = 0; i < 3000; i++) {
      const entity = randomEntity(random);
      expect(canonical(entity)).toBe(referenceCanonicalJson(entity));
    }
  });
});

describe('canonicalValue', () => {
  it('drops absent members and sorts the others', () => {
    expect(canonicalValue({ b: [null, ''], a: { d: 1, c: {} } })).toEqual({ a: { d: 1 } });
    expect(canonicalValue('')).toBeUndefined();
    expect(JSON.stringify(canonicalValue({ z: 1, a: 2 }))).toBe('{"a":2,"z":1}');
  });
});

const memberNames = [
  'ceId',
  'id340B',
  'name',
  'zip',
  'state',
  'notes',
  'contractPharmacies',
  'npiNumbers',
  'x',
  'é',
  'a b',
];

function randomEntity(random: Random): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  const count = random.int(0, 8);
  for (let i = 0; i < count; i++) entity[random.pick(memberNames)] = randomValue(random, 0);
  return entity;
}

function randomValue(random: Random, depth: number): unknown {
  switch (random.int(0, depth > 2 ? 4 : 7)) {
    case 0:
      return null;
    case 1:
      return random.pick(['', ' ', 'A', 'a', '01234', 'x"y', 'é\n', '😀']);
    case 2:
      return random.pick([0, 1, -2.5, 1e21, 42]);
    case 3:
      return random.pick([true, false]);
    case 4:
      return random.pick(['VA', 'KY']);
    case 5:
    case 6: {
      const items = Array.from({ length: random.int(0, 4) }, () => randomValue(random, depth + 1));
      // Exact duplicates, for the sets.
      return random.int(0, 1) === 1 && items.length > 0 ? [...items, items[0]] : items;
    }
    default: {
      const object: Record<string, unknown> = {};
      for (let i = random.int(0, 4); i > 0; i--)
        object[random.pick(memberNames)] = randomValue(random, depth + 1);
      return object;
    }
  }
}
