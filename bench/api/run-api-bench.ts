/**
 * npm run bench:api [-- --quick] [-- --duration <s>]
 *
 * Loads a full-scale day 0 plus a week of deltas (the generator's series,
 * cached under bench/data/) into a fresh schema, starts `opais serve` in its
 * own process and drives it with autocannon from this one (both share the
 * machine's two cores with PostgreSQL). Measures the issue's two targets and,
 * beside them, the uncached paths: random feed pages and random entities.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { encodeCursor } from '../../src/api/cursor.ts';
import { parseEntityStreamId } from '../../src/events/stream-names.ts';
import { ingestSnapshot } from '../../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../../src/source/file-source.ts';
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
    });
    log(
      `ingested ${day.file}: +${summary.registered} ~${summary.changed} -${summary.removed} ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  // Fresh planner statistics, as autovacuum would gather them after a load this size.
  await schema.pool.query('analyze');
  const headPosition = await store.headPosition();
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
      name: 'GET /changes?limit=100',
      path: () => '/changes?limit=100',
      target: { minRps: 3000, maxP99Ms: 25 },
    },
    {
      name: 'GET /changes?limit=100&since=<random> (uncached)',
      path: () => `/changes?limit=100&since=${encodeCursor(Math.floor(Math.random() * headPosition))}`,
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
  if (outcomes.some((outcome) => outcome.errors > 0 || outcome.non2xx > 0)) process.exitCode = 1;
});

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
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--rate-limit', '0'],
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
