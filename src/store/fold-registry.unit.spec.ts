import { describe, expect, it } from 'vitest';
import { foldRegistryChanges } from './fold-registry.ts';
import { day, readEverything, sampleMemoryStore } from './kurrentdb/testing/sample-log.ts';

describe('foldRegistryChanges', () => {
  it('rebuilds from the log the registry that the ingest sessions wrote', async () => {
    const memory = await sampleMemoryStore();
    const session = await memory.beginIngest({ asOf: day(9) });
    const registry = await session.loadRegistry();
    await session.abort();
    expect(registry.size).toBe(4);
    const folded = foldRegistryChanges(await readEverything(memory));
    expect(new Map([...folded].map(([streamId, { asOf: _, ...entry }]) => [streamId, entry]))).toEqual(
      registry,
    );
  });

  it('keeps the last event of each stream when a range spans several snapshots', async () => {
    const events = await readEverything(await sampleMemoryStore());
    const changes = foldRegistryChanges(events);
    expect(changes.get('coveredEntity-A1.1')).toEqual({
      id340B: 'A1',
      ceId: 1,
      contentHash: 'ha2',
      streamVersion: 2,
      isCurrent: true,
      asOf: day(2).toISOString(),
    });
    expect(changes.get('coveredEntity-B2.2')).toMatchObject({
      contentHash: 'hb1',
      streamVersion: 2,
      isCurrent: false,
    });
  });
});
