/**
 * The V8 options every opais process starts with: the CLI's shebang
 * (bin/opais.js), the container's entrypoint (Dockerfile), the Lambda's
 * NODE_OPTIONS (infra/stack/opais-function.ts), and the bench's children, so
 * that the bench measures what runs. test/node-options.unit.spec.ts keeps
 * them in step.
 *
 * `--max-semi-space-size=16`: a young generation of at most 2 × 16 MB. Left
 * alone, V8 sizes it from the heap limit, which it sizes from the machine's
 * memory: 2 × 64 MB on a machine with 24 GB (measured), whatever the live
 * data, so an ingest carried ≈ 100 MB of RSS it did not use. First ingest
 * at full scale 481 → 386 MB in 10.4 → 10.9 s; a re-rendered next day
 * 428 → 330 MB in 2.7 → 2.6 s (docs/performance.md). At 8 MB the first
 * ingest took ≈ 20% longer (more scavenges). Set only when the process
 * starts: `v8.setFlagsFromString` no longer changes the young generation.
 *
 * `--max-old-space-size=1536`: a heap limit below the one V8 picks on a
 * machine with more than 16 GB (4 GB here) also lowers how far V8 lets the
 * old generation grow past its live data before it collects it (at most
 * 4× at the default limit; at most 2× below it, V8's MaxGrowingFactor).
 * Full-scale day 0, peak RSS, at the same CPU time: projection ≈ 350 →
 * ≈ 260 MB (its live data is ≈ 60–90 MB), ingest ≈ 375 → ≈ 350 MB. 1024
 * did as well, 2048 not at all (docs/performance.md). A day-0 ingest holds
 * ≈ 1 KB per entity, so the limit leaves room for ≈ 1.4 million entities,
 * twenty times HRSA's export.
 */
export const nodeOptions: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=1536'];
