import { describe, expect, it } from 'vitest';
import { pharmacyRows, pharmacySources } from './dim-pharmacy.ts';

const contract = (
  contractId: number | undefined,
  editDate: string | undefined,
  name: string,
  pharmacyId = 7,
) => ({
  ...(contractId === undefined ? {} : { contractId }),
  pharmacyId,
  name,
  ...(editDate === undefined ? {} : { editDate }),
  address: { addressLine1: '1 Main', city: 'X', state: 'MA', zip: '02110' },
  phoneNumber: '555',
});
const sourcesOf = (id340b: string, contracts: object[]) =>
  pharmacySources({ contractPharmacies: contracts }, { id340b, ceId: '1' });
const nameOf = (rows: ReturnType<typeof pharmacyRows>, pharmacyId = '7') =>
  rows.find((row) => row[0] === pharmacyId)?.[1];

describe('dim_pharmacy from the contracts naming each pharmacy', () => {
  it('takes the columns of the contract with the latest editDate', () => {
    const rows = pharmacyRows([
      ...sourcesOf('A', [
        contract(1, '2024-01-01T00:00:00', 'OLD'),
        contract(2, '2024-06-01T00:00:00', 'NEW'),
      ]),
      ...sourcesOf('B', [contract(3, '2023-01-01T00:00:00', 'OLDER')]),
    ]);
    expect(rows).toEqual([['7', 'NEW', '1 Main', null, 'X', 'MA', '02110', '555']]);
  });

  it('counts a missing editDate as the oldest', () => {
    expect(
      nameOf(
        pharmacyRows(
          sourcesOf('A', [contract(9, undefined, 'NONE'), contract(1, '1990-01-01T00:00:00', 'DATED')]),
        ),
      ),
    ).toBe('DATED');
  });

  it('breaks ties by the largest contract id compared as a number, not as text', () => {
    const tie = '2024-01-01T00:00:00';
    expect(nameOf(pharmacyRows(sourcesOf('A', [contract(9, tie, 'NINE'), contract(10, tie, 'TEN')])))).toBe(
      'TEN',
    );
    // editDates equal to the microsecond tie even if their 7th digits differ (the tables keep microseconds).
    expect(
      nameOf(
        pharmacyRows(
          sourcesOf('A', [
            contract(2, '2024-01-01T00:00:00.1234569', 'TWO'),
            contract(1, '2024-01-01T00:00:00.1234561', 'ONE'),
          ]),
        ),
      ),
    ).toBe('TWO');
  });

  it('does not depend on the order of the sources', () => {
    const sources = [
      ...sourcesOf('A', [contract(5, '2024-01-01T00:00:00', 'A5')]),
      ...sourcesOf('B', [contract(5, '2024-01-01T00:00:00', 'B5')]),
    ];
    expect(pharmacyRows(sources)).toEqual(pharmacyRows([...sources].reverse()));
  });

  it('gives one row per pharmacy and ignores contracts that name none', () => {
    const rows = pharmacyRows(
      sourcesOf('A', [
        contract(1, undefined, 'P7', 7),
        contract(2, undefined, 'P8', 8),
        { contractId: 3, name: 'NO PHARMACY' },
      ]),
    );
    expect(rows.map((row) => row[0]).sort()).toEqual(['7', '8']);
  });
});
