import { describe, expect, it } from 'vitest';
import { generateSnapshots } from '../../test/generator/generate-snapshots.ts';
import { createRandom, type Random } from '../../test/generator/random.ts';
import { canonicalEntityJson, setCollections } from './canonicalise.ts';
import { layoutFreeHash } from './layout-free-hash.ts';

const hashOf = (text: string) => layoutFreeHash(Buffer.from(text, 'utf8'));

/**
 * The same value laid out anew: members shuffled at every level, the set
 * collections' items too, other spacing. `key`: the entity's member whose value this is.
 */
function relaidOut(value: unknown, random: Random, spacing: string, key?: string): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => relaidOut(item, random, spacing));
    if (key !== undefined && setCollections.has(key)) shuffle(items, random);
    return `[${spacing}${items.join(`,${spacing}`)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entity = key === undefined;
    const members = Object.entries(value).map(
      ([name, member]) =>
        `${JSON.stringify(name)}${spacing}:${relaidOut(member, random, spacing, entity ? name : '')}`,
    );
    shuffle(members, random);
    return `{${spacing}${members.join(`${spacing},`)}}`;
  }
  return JSON.stringify(value);
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

describe('layoutFreeHash', () => {
  const days = generateSnapshots({
    seed: 'layout-free',
    entities: 300,
    days: 3,
    editRate: 0.2,
    noiseRate: 0.2,
  });

  it('gives the value registries already hold: 16 lowercase hex digits, unchanged across releases', () => {
    // A registry written by an earlier release is matched against this: another spelling would make every
    // entity of a re-rendered day look new to the fast path.
    expect(hashOf('{"id340B":"DSH123","ceId":42,"contractPharmacies":[{"pharmacyId":7,"name":"A"}]}')).toBe(
      '02323d9f162a95fd',
    );
  });

  it('is the same for every layout of an entity: spacing, member order, set order', () => {
    const random = createRandom('layout-free-relaid');
    for (const entity of days[0]?.coveredEntities ?? []) {
      const compact = hashOf(JSON.stringify(entity));
      expect(compact).toMatch(/^[0-9a-f]{16}$/);
      expect(hashOf(JSON.stringify(entity, null, 2))).toBe(compact);
      expect(hashOf(relaidOut(entity, random, ''))).toBe(compact);
      expect(hashOf(` ${relaidOut(entity, random, '\r\n\t ')}\n`)).toBe(compact);
    }
  });

  it('differs wherever the canonical form differs (every entity of a series, across its days)', () => {
    const seen = new Map<string, string>();
    for (const day of days) {
      for (const entity of day.coveredEntities) {
        const hash = hashOf(JSON.stringify(entity)) as string;
        const canonical = canonicalEntityJson(entity as Record<string, unknown>);
        const earlier = seen.get(hash);
        if (earlier !== undefined) expect(canonical).toBe(earlier);
        seen.set(hash, canonical);
      }
    }
    expect(seen.size).toBeGreaterThan(300);
  });

  it('tells apart what the canonical form tells apart: values, names, nesting, an ordinary array’s order', () => {
    const distinct = [
      '{"a":"1"}',
      '{"a":1}',
      '{"b":"1"}',
      '{"a":"1","b":"1"}',
      '{"a":["1"]}',
      '{"a":{"a":"1"}}',
      '{"a":["1","2"]}',
      '{"a":["2","1"]}',
      '{"a":[["1"],"2"]}',
      '{"a":"1","b":"2"}',
      '{"a":"2","b":"1"}',
      '{"a":true}',
      '{"a":"true"}',
      '{"a":"x\\"y"}',
      '{"a":"x\\\\"}',
      '{"ab":"c"}',
      '{"a":"bc"}',
      '{"contractPharmacies":[{"a":"1"},{"a":"2"}]}',
      '{"contractPharmacies":[{"a":"1"},{"a":"1"}]}',
      '{"x":{"contractPharmacies":["1","2"]}}',
      '{"x":{"contractPharmacies":["2","1"]}}',
    ];
    const hashes = distinct.map(hashOf);
    expect(hashes.every((hash) => hash !== undefined)).toBe(true);
    expect(new Set(hashes).size).toBe(distinct.length);
    // A set collection's order does not count at the entity's level only.
    expect(hashOf('{"npiNumbers":["2","1"]}')).toBe(hashOf('{"npiNumbers":["1","2"]}'));
  });

  it('gives nothing for bytes that break the grammar between tokens, so that the full path says where', () => {
    const broken = [
      '',
      '   ',
      '[1,2]',
      '"a"',
      '{"a" "1"}',
      '{"a":"1" "b":"2"}',
      '{"a":"1",}',
      '{"a":[1,,2]}',
      '{"a":[1 2]}',
      '{"a":1}}',
      '{"a":1} x',
      '{"a":{"b":1}',
      '{"a":"unterminated}',
      '{a:1}',
      '{"a":}',
      '{"a":1:2}',
      '{"a":[1]]}',
      '{"a":{1}}',
      `${'{"a":'.repeat(70)}1${'}'.repeat(70)}`,
    ];
    for (const text of broken) expect(hashOf(text), text).toBeUndefined();
  });
});
