import { describe, expect, it } from 'vitest';
import { validateEntity } from './validate-entity.ts';

const valid = {
  ceId: 7201,
  id340B: 'BL030740',
  participating: 'TRUE',
  participatingStartDate: '1999-10-01T00:00:00',
  editDate: '2025-01-17T11:04:58.4482606',
  streetAddress: { addressLine1: '213 Monarch Road', zip: '24282' },
  shippingAddresses: [{ city: 'ST CHARLES', is340BStreetAddress: true }, null],
  medicaidNumbers: [{ medicaidNumber: 'Q047757', state: 'VA' }],
  contractPharmacies: [
    { contractId: 20058, pharmacyId: 92368, address: { zip: '41314' }, beginDate: '2015-07-01T00:00:00.1' },
  ],
  somethingNew: { anything: [1, 'x'] },
};

describe('validateEntity', () => {
  it('accepts an entity of the known shape, with unknown members, nulls and empty strings', () => {
    expect(validateEntity(valid)).toEqual({ ok: true, id340B: 'BL030740', ceId: 7201 });
    expect(validateEntity({ ...valid, terminationDate: '', subName: null, editDate: null })).toMatchObject({
      ok: true,
    });
  });

  it('refuses an element that is not an object', () => {
    for (const element of [null, 1, 'x', [valid]]) {
      expect(validateEntity(element)).toEqual({
        ok: false,
        code: 'NOT_AN_OBJECT',
        message: 'element of coveredEntities is not an object',
      });
    }
  });

  it('refuses a missing or empty key, naming the part that is known', () => {
    expect(validateEntity({ ...valid, id340B: '' })).toEqual({
      ok: false,
      code: 'MISSING_KEY',
      message: 'id340B is missing',
      ceId: 7201,
    });
    expect(validateEntity({ id340B: 'X' })).toEqual({
      ok: false,
      code: 'MISSING_KEY',
      message: 'ceId is missing',
      id340B: 'X',
    });
    expect(validateEntity({ ceId: -1, id340B: 'X' })).toMatchObject({ code: 'INVALID_TYPE', ceId: -1 });
    expect(validateEntity({ ceId: 1.5, id340B: 'X' })).toMatchObject({
      message: 'ceId must be a non-negative integer, got 1.5',
    });
    expect(validateEntity({ ceId: '7201', id340B: 'X' })).toMatchObject({
      code: 'INVALID_TYPE',
      id340B: 'X',
    });
  });

  it('refuses a known member of the wrong type, with its path', () => {
    const cases: [object, string][] = [
      [{ id340B: 5 }, 'id340B must be string, got 5'],
      [{ streetAddress: { zip: 24282 } }, 'streetAddress.zip must be string, got 24282'],
      [{ streetAddress: [] }, 'streetAddress must be object, got []'],
      [{ shippingAddresses: {} }, 'shippingAddresses must be array, got {}'],
      [{ shippingAddresses: [{}, 'x'] }, 'shippingAddresses[1] must be object'],
      [
        { shippingAddresses: [{ is340BStreetAddress: 'true' }] },
        'shippingAddresses[0].is340BStreetAddress must be boolean, got "true"',
      ],
      [
        { contractPharmacies: [{ contractId: 1 }, { address: { state: 1 } }] },
        'contractPharmacies[1].address.state must be string, got 1',
      ],
      [
        { contractPharmacies: [{ pharmacyId: '92368' }] },
        'contractPharmacies[0].pharmacyId must be number, got "92368"',
      ],
    ];
    for (const [change, message] of cases) {
      expect(validateEntity({ ...valid, ...change })).toMatchObject({
        ok: false,
        code: 'INVALID_TYPE',
        message,
        ceId: 7201,
      });
    }
  });

  it('refuses a timestamp that is not written the export’s way', () => {
    const good = ['2024-02-16T09:29:10', '2024-02-16T09:29:10.8756857', '2024-02-16T09:29:10.8'];
    const bad = [
      '2024-02-16',
      '2024-02-16T09:29:10Z',
      '2024-02-16T09:29:10.',
      '2024-02-16T09:29:10.87568571',
      '2024-02-16 09:29:10',
      '２024-02-16T09:29:10',
    ];
    for (const date of good) expect(validateEntity({ ...valid, editDate: date })).toMatchObject({ ok: true });
    for (const date of bad) {
      expect(validateEntity({ ...valid, editDate: date })).toMatchObject({
        ok: false,
        message: `editDate is not a timestamp that exists, written like 2024-02-16T09:29:10.8756857: ${JSON.stringify(date)}`,
      });
    }
    expect(validateEntity({ ...valid, contractPharmacies: [{ beginDate: '2015-07-01' }] })).toMatchObject({
      message:
        'contractPharmacies[0].beginDate is not a timestamp that exists, written like 2024-02-16T09:29:10.8756857: "2015-07-01"',
    });
  });
  it('refuses values the projections cannot apply, with the path (the same rules they use)', () => {
    const cases: [object, string, string][] = [
      [{ participating: 'MAYBE' }, 'INVALID_VALUE', 'participating must be "TRUE" or "FALSE", got "MAYBE"'],
      [
        { editDate: '2024-02-30T25:61:61' },
        'INVALID_TYPE',
        'editDate is not a timestamp that exists, written like 2024-02-16T09:29:10.8756857: "2024-02-30T25:61:61"',
      ],
      [
        { contractPharmacies: [{ contractId: 2 ** 53 + 2 }] },
        'INVALID_VALUE',
        'contractPharmacies[0].contractId must be an integer within ±(2^53 - 1), got 9007199254740994',
      ],
      [
        { contractPharmacies: [{ pharmacyId: 1.5 }] },
        'INVALID_VALUE',
        'contractPharmacies[0].pharmacyId must be an integer within ±(2^53 - 1), got 1.5',
      ],
    ];
    for (const [change, code, message] of cases) {
      expect(validateEntity({ ...valid, ...change })).toEqual({
        ok: false,
        code,
        message,
        id340B: 'BL030740',
        ceId: 7201,
      });
    }
    expect(validateEntity({ ...valid, participating: 'false' })).toMatchObject({ ok: true });
  });

  it('refuses what PostgreSQL cannot store, in any member, known or not', () => {
    const cases: [object, string][] = [
      [{ name: 'A\u0000B' }, 'name contains U+0000, which PostgreSQL cannot store'],
      [
        { somethingNew: { deep: ['x', 'lone \ud800'] } },
        'somethingNew.deep[1] contains a lone surrogate (U+D800), which PostgreSQL cannot store',
      ],
      [
        { 'bad\udfffname': 1 },
        'the member name "bad\\udfffname" contains a lone surrogate (U+DFFF), which PostgreSQL cannot store',
      ],
      [
        { id340B: 'X'.repeat(2561) },
        'id340B is 2561 bytes long with the id340B, more than an index entry can hold (2560)',
      ],
      [
        { streetAddress: { state: 'é'.repeat(1300) } },
        'streetAddress.state is 2608 bytes long with the id340B, more than an index entry can hold (2560)',
      ],
      [
        {
          shippingAddresses: [
            { city: 'C' },
            { addressLine1: 'L'.repeat(1300), addressLine2: 'M'.repeat(1300) },
          ],
        },
        'shippingAddresses[1] (its address lines, city, state, zip and zip4) is 2608 bytes long with the id340B, more than an index entry can hold (2560)',
      ],
      [
        { medicaidNumbers: [{ medicaidNumber: 'N'.repeat(2600) }] },
        'medicaidNumbers[0].medicaidNumber and .state is 2608 bytes long with the id340B, more than an index entry can hold (2560)',
      ],
      [
        { name: 'word '.repeat(30_000), subName: 'x'.repeat(50_001) },
        'name and subName are 200001 bytes long, more than the full-text search index takes (200000)',
      ],
      [
        { somethingNew: JSON.parse(`${'['.repeat(1002)}${']'.repeat(1002)}`) },
        'nests deeper than 1000 levels',
      ],
    ];
    for (const [change, message] of cases) {
      const check = validateEntity({ ...valid, ...change });
      expect(check, message).toMatchObject({ ok: false, code: 'NOT_STORABLE' });
      expect((check as { message: string }).message).toContain(message);
    }
    // What fits is accepted: a paired surrogate (an emoji), keys right at the limits.
    for (const change of [
      { name: 'CAFÉ 😀' },
      { id340B: 'X'.repeat(2500) },
      { streetAddress: { state: 'S'.repeat(2560 - 8) } },
      { name: 'n'.repeat(100_000), subName: 's'.repeat(100_000) },
    ])
      expect(validateEntity({ ...valid, ...change }), JSON.stringify(change).slice(0, 60)).toMatchObject({
        ok: true,
      });
  });

  it('refuses an entity larger than jsonb can hold', () => {
    const huge = 'x'.repeat(256 * 1024 * 1024);
    expect(validateEntity({ ...valid, somethingNew: huge })).toMatchObject({
      ok: false,
      code: 'NOT_STORABLE',
      message: `the entity is larger than jsonb can hold (more than ${255 * 1024 * 1024} bytes)`,
    });
  });
});
