import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpais } from '../../test/support/run-opais.ts';
import { coveredEntities, tempDir, writeSnapshot } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase, envFor } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import type { SnapshotIngestedV1 } from '../events/event-types.ts';
import { fileSource } from '../source/file-source.ts';
import type { EventStore } from '../store/event-store.ts';
import { ingestSnapshot } from './ingest-snapshot.ts';

let database: Database;
let store: EventStore;
const dir = tempDir();
const day = (n: number) => new Date(Date.UTC(2026, 0, n, 5));
const base = coveredEntities(20);
/** HRSA adds a member to every entity: every content hash changes. */
const withNewMember = base.map((entity, index) => ({ ...entity, medicareProviderNumber: `MPN${index}` }));
const formatChange = () => writeSnapshot(dir, 'new-member.json', withNewMember);

beforeAll(async () => {
  database = await createTestDatabase('mass_change');
  store = database.store;
  await ingestSnapshot({ store, source: fileSource(writeSnapshot(dir, 'day1.json', base)), asOf: day(1) });
});
afterAll(() => database.close());

describe('the mass-change guard', () => {
  it('refuses a snapshot changing more than 25% of current entities, naming the member that appeared', async () => {
    const head = await store.headPosition();
    await expect(
      ingestSnapshot({ store, source: fileSource(formatChange()), asOf: day(2) }),
    ).rejects.toMatchObject({
      code: 'MASS_CHANGE',
      message: expect.stringMatching(
        /change 20 of 20 current entities .*new members: medicareProviderNumber/,
      ),
      details: { changed: 20, current: 20, newMembers: ['medicareProviderNumber'], vanishedMembers: [] },
    });
    expect(await store.headPosition()).toBe(head);
  });

  it('lets 25% through: the guard is on the share, not on any change', async () => {
    const next = base.map((entity, index) => (index < 5 ? { ...entity, name: `RENAMED ${index}` } : entity));
    const source = fileSource(writeSnapshot(dir, 'quarter.json', next));
    await expect(ingestSnapshot({ store, source, asOf: day(2) })).resolves.toMatchObject({ changed: 5 });
    // Back to the first names, for the next tests.
    await ingestSnapshot({ store, source: fileSource(writeSnapshot(dir, 'back.json', base)), asOf: day(3) });
  });

  it('exits with its own code from the CLI, and applies with --allow-mass-change, recording why in SnapshotIngested', async () => {
    const env = envFor(database);
    const refused = await runOpais(['ingest', formatChange(), '--as-of', day(4).toISOString()], env);
    expect(refused.code).toBe(11);
    expect(refused.stderr).toMatch(/MASS_CHANGE/);
    expect(refused.stderr).toMatch(/medicareProviderNumber/);
    expect(refused.stderr).toMatch(/--allow-mass-change/);

    const ratio = await runOpais(
      ['ingest', formatChange(), '--as-of', day(4).toISOString(), '--max-change-ratio', '0.99', '--json'],
      env,
    );
    expect(ratio.code).toBe(11);

    const applied = await runOpais(
      ['ingest', formatChange(), '--as-of', day(4).toISOString(), '--allow-mass-change', '--json'],
      env,
    );
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ changed: 20, newMembers: ['medicareProviderNumber'] });
    const [snapshot] = await store.readAll({ after: (await store.headPosition()) - 1 });
    expect(snapshot?.type).toBe('SnapshotIngested');
    expect(snapshot?.data as SnapshotIngestedV1).toMatchObject({
      counts: { changed: 20 },
      newMembers: ['medicareProviderNumber'],
      vanishedMembers: [],
    });
  });

  it('applies with --max-change-ratio above the share, and names the member that vanished', async () => {
    const run = await runOpais(
      [
        'ingest',
        writeSnapshot(dir, 'gone.json', base, { pretty: true }),
        '--as-of',
        day(5).toISOString(),
        '--max-change-ratio',
        '1',
        '--json',
      ],
      envFor(database),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      changed: 20,
      newMembers: [],
      vanishedMembers: ['medicareProviderNumber'],
    });
  });
});
