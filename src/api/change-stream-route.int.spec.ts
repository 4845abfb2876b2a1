import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../test/support/api-server.ts';
import { ingestAndProject } from '../../test/support/ingest-and-project.ts';
import { coveredEntities, coveredEntity, tempDir } from '../../test/support/snapshot-fixtures.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Database } from '../db/open-database.ts';
import { encodeCursor } from './cursor.ts';

let database: Database;
let api: RunningApi;
const dir = tempDir('opais-api-stream-');
const day = (n: number) => new Date(Date.UTC(2026, 3, n, 5));
let entities = coveredEntities(12);

async function ingest(name: string, asOf: Date) {
  return ingestAndProject(database, dir, name, entities, asOf);
}

interface SseMessage {
  id?: string;
  data?: string;
}

/** An SSE client over fetch: collects the messages (id and data) as they arrive. */
function openStream(path: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const messages: SseMessage[] = [];
  let comments = 0;
  const opened = fetch(api.url + path, { headers, signal: abort.signal });
  const done = opened
    .then(async (response) => {
      if (!response.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments += 1;
            else if (line.startsWith('id: ')) message.id = line.slice(4);
            else if (line.startsWith('data: ')) message.data = line.slice(6);
          }
          if (message.id !== undefined || message.data !== undefined) messages.push(message);
          end = buffer.indexOf('\n\n');
        }
      }
    })
    .catch((error: Error) => {
      if (error.name !== 'AbortError') throw error;
    });
  const items = () =>
    messages.filter((message) => message.data).map((message) => JSON.parse(message.data as string));
  return {
    opened,
    done,
    messages,
    items,
    comments: () => comments,
    lastId: () => messages.at(-1)?.id,
    async waitForItems(count: number, timeoutMs = 10_000) {
      const started = Date.now();
      while (items().length < count) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`got ${items().length} of ${count} items in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      abort.abort();
      return done;
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase('api_stream');
  api = await startApi(database, { maxStreams: 2 });
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('GET /changes/stream', () => {
  it('sends the feed so far, then new commits as they happen (woken by the ingest NOTIFY)', async () => {
    await ingest('day1.json', day(1));
    const stream = openStream('/changes/stream');
    const response = await stream.opened;
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await stream.waitForItems(12);

    entities = entities.map((entity, index) => (index < 3 ? { ...entity, name: `NEW ${index}` } : entity));
    entities.push(coveredEntity('CH000200', 200));
    const started = Date.now();
    await ingest('day2.json', day(2));
    await stream.waitForItems(16);
    // The listener's fallback poll is 15 s: arriving well before means the notification woke it.
    expect(Date.now() - started).toBeLessThan(5000);
    await stream.close();

    const page = await api.get('/changes?limit=1000');
    expect(stream.items()).toEqual(page.body.items);
    // The last message's id is the cursor after the last entity event: past SnapshotIngested too.
    const head = await database.store.headPosition();
    expect(stream.lastId()).toBe(encodeCursor(head));
  });

  it('resumes after Last-Event-ID without a repeat or a gap, and filters like /changes', async () => {
    const all = (await api.get('/changes?limit=1000')).body.items;
    const resumeAfter = all[5];
    const resumed = openStream('/changes/stream', { 'last-event-id': encodeCursor(resumeAfter.position) });
    await resumed.waitForItems(all.length - 6);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await resumed.close();
    expect(resumed.items()).toEqual(all.slice(6));

    const changed = openStream('/changes/stream?type=changed');
    await changed.waitForItems(3);
    await changed.close();
    expect(changed.items().map((item) => item.id340B)).toEqual(['DSH000001', 'DSH000002', 'DSH000003']);
  });

  it('refuses a bad Last-Event-ID with a JSON error before the stream starts', async () => {
    const answer = await api.get('/changes/stream', { 'last-event-id': encodeCursor(99_999_999) });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      code: 'CURSOR_UNKNOWN',
      message: expect.stringContaining('headers/last-event-id'),
    });
  });

  it('bounds the open streams and ends them all when the server closes', async () => {
    const first = openStream('/changes/stream');
    const second = openStream('/changes/stream');
    await Promise.all([first.opened, second.opened]);
    await first.waitForItems(1);
    await second.waitForItems(1);
    const third = await api.get('/changes/stream');
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('RATE_LIMITED');

    const started = Date.now();
    await api.close();
    await Promise.all([first.done, second.done]);
    expect(Date.now() - started).toBeLessThan(3000);
    api = await startApi(database, { maxStreams: 2 });
  });
});
