import type { Database } from '../../src/db/open-database.ts';
import { ingestAndProject } from './ingest-and-project.ts';
import { coveredEntity, tempDir } from './snapshot-fixtures.ts';

/**
 * Three days with one change of every kind the morning report counts, for
 * the report, pharmacy, history and dashboard tests:
 *
 * - day 1: DSH000001 (contracts 11 and 12 with pharmacy 777), DSH000002,
 *   DSH000003, CH000004 (VA) registered.
 * - day 2: DSH000001's zip 02110 → 02115, contract 11 terminated, contracts 13
 *   and 14 with pharmacy 777 added, an NPI added, its Medicaid number removed;
 *   DSH000002 stops participating; DSH000003 removed; CAH000005 (GA)
 *   registered; one element without an id340B (a data-quality problem).
 * - day 3: DSH000001's contract 13 removed.
 */
export const scenarioDay = (n: number) => new Date(Date.UTC(2026, 10, n, 5));

const contract = (contractId: number, pharmacyId: number, extra: Record<string, unknown> = {}) => ({
  contractId,
  pharmacyId,
  name: `PHARMACY ${pharmacyId}`,
  address: { addressLine1: '9 Elm', city: 'SALEM', state: 'MA', zip: '01970' },
  beginDate: '2015-07-01T00:00:00',
  editDate: '2024-01-31T09:14:36',
  ...extra,
});

const hospital = coveredEntity('DSH000001', 1, {
  name: 'GENERAL HOSPITAL',
  contractPharmacies: [contract(11, 777), contract(12, 777)],
});
const hospitalDay2 = {
  ...hospital,
  streetAddress: { addressLine1: '1 Main St', city: 'BOSTON', state: 'MA', zip: '02115' },
  npiNumbers: [
    { npiNumber: '1215284153', state: 'MA' },
    { npiNumber: '1999999999', state: 'MA' },
  ],
  medicaidNumbers: [],
  contractPharmacies: [
    contract(11, 777, { terminationDate: '2026-11-01T00:00:00' }),
    contract(12, 777),
    contract(13, 777),
    contract(14, 777),
  ],
};
const hospitalDay3 = {
  ...hospitalDay2,
  contractPharmacies: hospitalDay2.contractPharmacies.filter((member) => member.contractId !== 13),
};
const clinic = coveredEntity('DSH000002', 2, { name: 'CITY CLINIC' });
const stopped = { ...clinic, participating: 'FALSE', terminationDate: '2026-11-01T00:00:00' };
const leaving = coveredEntity('DSH000003', 3, { name: 'LEAVING HOSPITAL' });
const health = coveredEntity('CH000004', 4, {
  entityType: 'CH',
  name: 'VALLEY HEALTH',
  streetAddress: { addressLine1: '5 Oak', city: 'RICHMOND', state: 'VA', zip: '23219' },
});
const critical = coveredEntity('CAH000005', 5, {
  entityType: 'CAH',
  name: 'MOUNTAIN CRITICAL ACCESS',
  streetAddress: { addressLine1: '7 Pine', city: 'DALTON', state: 'GA', zip: '30720' },
});

export const scenarioDays = [
  [hospital, clinic, leaving, health],
  [hospitalDay2, stopped, health, critical, { ceId: 99, name: 'NO ID' }],
  [hospitalDay3, stopped, health, critical],
];

/** Ingests and projects the three days; returns the ingest summaries. */
export async function loadChangeScenario(database: Database) {
  const dir = tempDir('opais-scenario-');
  const summaries = [];
  for (const [index, entities] of scenarioDays.entries()) {
    summaries.push(
      await ingestAndProject(database, dir, `day${index + 1}.json`, entities, scenarioDay(index + 1), {
        maxRemovalRatio: 1,
        maxChangeRatio: 1,
      }),
    );
  }
  return summaries;
}
