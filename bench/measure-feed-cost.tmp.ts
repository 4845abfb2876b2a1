// Ad hoc (not committed): day-0 projection with every projector vs every projector but change_feed.
import { catchUpProjections } from '../projections/catch-up-projections.ts';
import { projectors } from '../projections/projectors.ts';
import { ingestSnapshot } from '../src/ingest/ingest-snapshot.ts';
import { fileSource } from '../src/source/file-source.ts';
import { defaultBenchDatabaseUrl, withBenchSchema } from './bench-schema.ts';
import { fullScale, prepareSeries } from './prepare-series.ts';

const series = await prepareSeries(fullScale, (m) => process.stderr.write(`${m}\n`));
await withBenchSchema(defaultBenchDatabaseUrl, async (schema) => {
  const day = series.days[0];
  if (!day) throw new Error('no day');
  await ingestSnapshot({ store: schema.store, source: fileSource(day.path), asOf: new Date(day.asOf) });
  const tables = ['dim_ce','dim_ce_medicaid_numbers','dim_npi','dim_ce_street_address','dim_ce_billing_address','dim_ce_shipping_address','dim_ce_contract_pharmacy','dim_pharmacy','dim_pharmacy_sources','change_feed'];
  const without = projectors.filter((p) => p.name !== 'change_feed');
  const results: Record<string, number[]> = { all: [], withoutFeed: [] };
  for (let run = 0; run < 3; run++) {
    for (const [name, set] of [['withoutFeed', without], ['all', projectors]] as const) {
      await schema.pool.query(`truncate ${tables.join(', ')}`);
      await schema.pool.query('update projector_checkpoints set position = 0, as_of = null, error = null, error_position = null');
      await schema.pool.query('checkpoint');
      const started = performance.now();
      await catchUpProjections(schema, { projectors: set });
      results[name]?.push((performance.now() - started) / 1000);
      process.stderr.write(`${name} run ${run}: ${results[name]?.at(-1)?.toFixed(1)} s\n`);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[1] as number;
  process.stdout.write(`day-0 projection, median of 3: all ${median(results.all as number[]).toFixed(1)} s, without change_feed ${median(results.withoutFeed as number[]).toFixed(1)} s, ratio ${(median(results.all as number[]) / median(results.withoutFeed as number[])).toFixed(2)}\n`);
});
