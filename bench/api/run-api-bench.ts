/**
 * npm run bench:api [-- --quick] [-- --duration <s>]
 *
 * Loads a full-scale day 0 plus a week of deltas (the generator's series,
 * cached under bench/data/) into a fresh schema, starts `opais serve` in its
 * own process and drives it with autocannon from this one (both share the
 * machine's two cores with PostgreSQL). Measures the issue's two targets and,
 * beside them, the uncached paths: random feed pages and random entities;
 * the feed with its change detail beside the compact one (detail=false); and
 * the morning report of full-scale days (in process, and the `opais report`
 * CLI end to end), each the median of several runs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import type pg from 'pg';
import { catchUpProjections } from '../../projections/catch-up-projections.ts';
import { encodeCursor } from '../../src/api/cursor.ts';
import { parseEntityStreamId } from '../../src/events/stream-names.ts';
import { readFeedHead } from '../../src/feed/change-feed-queries.ts';
import { ingestSnapshot } from '../../src/ingest/ingest-snapshot.ts';
import { nodeOptions } from '../../src/node-options.ts';
import { readReport } from '../../src/report/read-report.ts';
import { renderReport } from '../../src/report/render-report.ts';
import { fileSource } from '../../src/source/file-source.ts';
import type { EventStore } from '../../src/store/event-store.ts';
import { readWholeLog } from '../../src/store/testing/read-whole-log.ts';
import { defaultBenchDatabaseUrl, withBenchSchema } from '../bench-schema.ts';
import { fullScale, prepareSeries, quickScale } from '../prepare-series.ts';
import { repositoryRoot } from '../run-child.ts';

interface Scenario {
  name: string;
  /** Gives each request's path. */
  path: () => string;
  target?: { minRps: number; maxP99Ms?: number };
}

interface Outcome {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  target?: Scenario['target'];
}

const quick = process.argv.includes('--quick');
const durationArg = process.argv.indexOf('--duration');
const duration = durationArg > 0 ? Number(process.argv[durationArg + 1]) : quick ? 3 : 10;
const connections = 10;
const databaseUrl = process.env.DATABASE_URL ?? defaultBenchDatabaseUrl;
const log = (message: string) => process.stderr.write(`${message}\n`);

const series = await prepareSeries(quick ? quickScale : fullScale, log);
await withBenchSchema(databaseUrl, async (schema) => {
  const store = schema.store;
  for (const day of series.days) {
    const started = performance.now();
    const summary = await ingestSnapshot({
      store,
      source: fileSource(day.path),
      asOf: new Date(day.asOf),
      maxRemovalRatio: 1,
      allowMassChange: true,
    });
    // The feed and the report read the projections (change_feed), as `opais ingest` leaves them.
    await catchUpProjections(schema);
    log(
      `ingested and projected ${day.file}: +${summary.registered} ~${summary.changed} -${summary.removed} ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  // Fresh planner statistics, as autovacuum would gather them after a load this size.
  await schema.pool.query('analyze');
  const headPosition = await readFeedHead(schema.pool);
  const snapshots = await store.listSnapshots();
  // The first page after day 0: daily changes, most of them Changed events with detail.
  const firstDelta = encodeCursor(snapshots[0]?.globalPosition ?? 0);
  const keyOf = (event: { streamId: string }) => {
    const { id340B, ceId } = parseEntityStreamId(event.streamId) as { id340B: string; ceId: number };
    return { id340b: id340B, ce_id: ceId };
  };
  const changedKeys = (await store.readAll({ limit: 1, types: ['CoveredEntityChanged'] })).map((event) => ({
    ...keyOf(event),
    stream_version: event.streamVersion,
  }));
  // Every entity once, in an order unrelated to the file's (the hash of its stream id).
  const streams = new Set(
    (await readWholeLog(store, ['CoveredEntityRegistered'])).map((event) => event.streamId),
  );
  const anyKeys = [...streams]
    .map((streamId) => ({ streamId, order: createHash('md5').update(streamId).digest('hex') }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(keyOf);
  const one = changedKeys[0];
  if (!one) throw new Error('the series changed no entity: nothing to take the history of');
  const historyPath = (key: { id340b: string; ce_id: number }) =>
    `/entities/${key.id340b}/${key.ce_id}/history`;
  log(
    `head position ${headPosition}; one entity: ${one.id340b}/${one.ce_id} (${one.stream_version} versions)`,
  );

  // Shared by the warm-up and the measured run, so that the run meets entities the warm-up did not.
  let nextKey = 0;
  const scenarios: Scenario[] = [
    {
      name: 'GET /changes?limit=100 (with changes)',
      path: () => '/changes?limit=100',
      target: { minRps: 3000, maxP99Ms: 25 },
    },
    { name: 'GET /changes?limit=100&detail=false (compact)', path: () => '/changes?limit=100&detail=false' },
    {
      name: 'GET /changes?limit=100&since=<day 1> (with changes)',
      path: () => `/changes?limit=100&since=${firstDelta}`,
    },
    {
      name: 'GET /changes?limit=100&since=<day 1>&detail=false (compact)',
      path: () => `/changes?limit=100&since=${firstDelta}&detail=false`,
    },
    {
      name: 'GET /changes?limit=100&since=<random> (uncached, with changes)',
      path: () => `/changes?limit=100&since=${encodeCursor(Math.floor(Math.random() * headPosition))}`,
    },
    {
      name: 'GET /changes?limit=100&since=<random>&detail=false (uncached, compact)',
      path: () =>
        `/changes?limit=100&since=${encodeCursor(Math.floor(Math.random() * headPosition))}&detail=false`,
    },
    { name: 'GET one entity history', path: () => historyPath(one), target: { minRps: 5000 } },
    {
      // Every request another entity (there are more than a run sends), so none is served from the cache.
      name: 'GET history, a different entity each time (uncached)',
      path: () => historyPath(anyKeys[nextKey++ % anyKeys.length] ?? one),
    },
  ];

  const loadBefore = loadavg()[0] ?? 0;
  const server = await startServer(schema.env);
  const outcomes: Outcome[] = [];
  try {
    for (const scenario of scenarios) {
      await load(server.url, scenario, 1); // warm-up: connections, prepared statements, JIT
      const result = await load(server.url, scenario, duration);
      outcomes.push({
        name: scenario.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        target: scenario.target,
      });
      log(`${scenario.name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`);
    }
  } finally {
    await server.stop();
  }
  printTable(outcomes, loadBefore);
  await benchReports(schema, snapshots);
  if (outcomes.some((outcome) => outcome.errors > 0 || outcome.non2xx > 0)) process.exitCode = 1;
});

/**
 * The morning report of day 0 (every entity registered: the largest) and of
 * the last day (a daily delta): read and rendered as text in this process,
 * and `opais report` end to end (a new process: Node, tsx and the database
 * connection included). Medians of five runs and of three.
 */
async function benchReports(
  schema: { pool: pg.Pool; store: EventStore; env: NodeJS.ProcessEnv },
  snapshots: ReadonlyArray<{ asOf: Date }>,
): Promise<void> {
  const store = schema.store;
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const lines = [
    '| opais report | in process (read + text), median of 5 | `opais report` CLI, median of 3 |',
    '|---|---:|---:|',
  ];
  for (const [label, snapshot] of [
    ['day 0 (every entity registered)', snapshots[0]],
    ['last day (a daily delta)', snapshots.at(-1)],
  ] as const) {
    if (!snapshot) continue;
    const asOf = snapshot.asOf.toISOString();
    const inProcess: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      renderReport(await readReport(schema.pool, store, { asOf }), 'text');
      inProcess.push(performance.now() - started);
    }
    const cli: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      await promisify(execFile)(
        process.execPath,
        [
          ...nodeOptions,
          '--import',
          'tsx',
          'src/cli/main.ts',
          'report',
          '--as-of',
          asOf,
          '--out',
          '/dev/null',
        ],
        { cwd: repositoryRoot, env: { ...process.env, ...schema.env } },
      );
      cli.push(performance.now() - started);
    }
    lines.push(`| ${label} | ${Math.round(median(inProcess))} ms | ${Math.round(median(cli))} ms |`);
    log(`report ${label}: ${Math.round(median(inProcess))} ms in process, ${Math.round(median(cli))} ms CLI`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function load(url: string, scenario: Scenario, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({ ...request, path: scenario.path() }),
      },
    ],
  });
}

/** `opais serve` in its own process, on a free port, without rate limit (the load comes from one address). */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeOptions, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--rate-limit', '0'],
    {
      cwd: repositoryRoot,
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`opais serve exited with ${code}:\n${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function printTable(outcomes: Outcome[], loadBefore: number): void {
  const lines = [
    `API bench: ${quick ? 'quick' : 'full'} scale (${series.manifest.options.entities} entities, ${series.days.length} snapshots), ` +
      `${connections} connections, ${duration} s each; load average before ${loadBefore.toFixed(1)}, after ${loadavg()[0]?.toFixed(1)} ` +
      `(${cpus().length} cores, shared with PostgreSQL and autocannon)`,
    '| scenario | req/s | p50 ms | p99 ms | target | |',
    '|---|---:|---:|---:|---|---|',
    ...outcomes.map((outcome) => {
      const target = outcome.target;
      const text = target
        ? `≥ ${target.minRps} req/s${target.maxP99Ms === undefined ? '' : `, p99 ≤ ${target.maxP99Ms} ms`}`
        : '';
      const met = target
        ? outcome.rps >= target.minRps && (target.maxP99Ms === undefined || outcome.p99 <= target.maxP99Ms)
        : undefined;
      const problems =
        outcome.errors + outcome.non2xx > 0 ? ` ${outcome.errors} errors, ${outcome.non2xx} non-2xx` : '';
      return `| ${outcome.name} | ${Math.round(outcome.rps)} | ${outcome.p50} | ${outcome.p99} | ${text} | ${met === undefined ? '' : met ? 'met' : 'MISSED'}${problems} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
