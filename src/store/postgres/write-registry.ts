import type pg from 'pg';
import type { ElementHashes, RegistryEntry } from '../event-store.ts';
import { type CopyBuffers, type CopyCell, copyRows } from './copy-rows.ts';
import * as plans from './plans.ts';

export type RegistryChange = Omit<RegistryEntry, keyof ElementHashes>;

/**
 * Rows wait for a COPY until there are this many. Held until 8,192 (a
 * COPY's worth), they outlived the young generation and a day 0's 180,000
 * of them (changes and hashes) were promoted garbage in the old one: the
 * day-0 ingest's peak RSS, 8 runs each, interleaved, median 319 -> 305 MB,
 * at the same time; a re-rendered day, whose 90,000 hashes take 88 COPYs
 * instead of 11, pays a round trip for each.
 */
const rowsPerStagingCopy = 1024;

/**
 * A snapshot's registry changes and element hashes on their way into
 * entity_registry: staged in temporary tables of the ingest's transaction as
 * they come, merged at its end. Held in the process instead, a day 0's
 * 90,000 changes and hashes were ≈ 35 MB of maps, strings and objects that
 * lived to the end of the ingest (docs/performance.md, session 8).
 */
export class RegistryStage {
  readonly #client: pg.ClientBase;
  readonly #asOfIso: string;
  readonly #copyBuffers: CopyBuffers | undefined;
  /** Whether any row went to each table. */
  #changesStaged = false;
  #hashesStaged = false;
  /** Rows not yet staged: a COPY of a few rows costs a round trip, so they go `rowsPerStagingCopy` at a time. */
  #changes: Array<readonly [string, RegistryChange]> = [];
  #hashes: Array<readonly [string, ElementHashes]> = [];

  constructor(client: pg.ClientBase, asOfIso: string, copyBuffers?: CopyBuffers) {
    this.#client = client;
    this.#asOfIso = asOfIso;
    this.#copyBuffers = copyBuffers;
  }

  /** Entries as of the stage's snapshot; a stream staged again takes its highest version. */
  async stageChanges(changes: Iterable<readonly [string, RegistryChange]>): Promise<void> {
    for (const change of changes) this.#changes.push(change);
    if (this.#changes.length >= rowsPerStagingCopy) await this.#flush();
  }

  /** A stream's hashes staged again replace those staged before. */
  async stageHashes(hashes: ReadonlyMap<string, ElementHashes>): Promise<void> {
    for (const entry of hashes) this.#hashes.push(entry);
    if (this.#hashes.length >= rowsPerStagingCopy) await this.#flush();
  }

  /** Takes back everything staged for these streams. */
  async forget(streamIds: readonly string[]): Promise<void> {
    if (streamIds.length === 0) return;
    await this.#flush();
    if (!this.#tablesMade) return;
    for (const sql of plans.forgetStagedRegistry) await this.#client.query(sql, [streamIds]);
  }

  /** Writes what was staged into entity_registry (in the caller's transaction). */
  async merge(): Promise<void> {
    await this.#flush();
    if (!this.#tablesMade) return;
    for (const setting of plans.registryMergeSettings) await this.#client.query(setting);
    if (this.#changesStaged) {
      await this.#client.query(plans.analyzeStaged(plans.registryChangesTable));
      await this.#client.query(plans.mergeRegistryChanges);
    }
    if (this.#hashesStaged) {
      await this.#client.query(plans.analyzeStaged(plans.elementHashChangesTable));
      await this.#client.query(plans.mergeElementHashChanges);
    }
  }

  /** The tables are made with the first rows staged. */
  get #tablesMade(): boolean {
    return this.#changesStaged || this.#hashesStaged;
  }

  async #flush(): Promise<void> {
    const changes = this.#changes;
    const hashes = this.#hashes;
    if (changes.length === 0 && hashes.length === 0) return;
    this.#changes = [];
    this.#hashes = [];
    if (!this.#tablesMade) for (const sql of plans.createRegistryStage) await this.#client.query(sql);
    const copy = (table: string, columns: readonly string[], rows: Iterable<ReadonlyArray<CopyCell>>) =>
      copyRows(this.#client, table, columns, rows, this.#copyBuffers);
    if (changes.length > 0) {
      await copy(plans.registryChangesTable, plans.registryChangeColumns, changeRows(this.#asOfIso, changes));
      this.#changesStaged = true;
    }
    if (hashes.length > 0) {
      await copy(plans.elementHashChangesTable, plans.elementHashChangeColumns, hashRows(hashes));
      this.#hashesStaged = true;
    }
  }
}

/** One snapshot's changes and hashes in one go (the KurrentDB store's registry, written after its log). */
export async function writeRegistry(
  client: pg.ClientBase,
  asOfIso: string,
  changes: ReadonlyMap<string, RegistryChange>,
  hashes: ReadonlyMap<string, ElementHashes>,
): Promise<void> {
  const stage = new RegistryStage(client, asOfIso);
  await stage.stageChanges(changes);
  await stage.stageHashes(hashes);
  await stage.merge();
}

/** Made as COPY takes them, not held all at once. */
function* changeRows(asOfIso: string, changes: Iterable<readonly [string, RegistryChange]>) {
  for (const [streamId, change] of changes) {
    yield [
      streamId,
      change.id340B,
      change.ceId,
      change.contentHash,
      change.streamVersion,
      change.isCurrent ? 't' : 'f',
      asOfIso,
    ];
  }
}

function* hashRows(hashes: Iterable<readonly [string, ElementHashes]>) {
  for (const [streamId, { rawHash, layoutFreeHash }] of hashes)
    yield [streamId, rawHash, layoutFreeHash ?? null];
}
