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
 * Not `--max-old-space-size`: any limit under 2 GB also caps how far V8
 * lets the old generation outgrow its live data (≈ 2× instead of 4×),
 * which took the day-0 projection's peak RSS from ≈ 350 to ≈ 260 MB but
 * made the daily byte-identical re-diff ≈ 20% slower and the ingests ≈ 5%
 * (more full collections of the registry's maps; docs/performance.md,
 * session 6).
 */
export const nodeOptions: readonly string[] = ['--max-semi-space-size=16'];

/**
 * The environment every opais process starts with, set where nodeOptions
 * are (glibc reads it when the process starts).
 *
 * `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (the
 * ingest's main thread and its element worker, V8's and libuv's helper
 * threads) a malloc arena of its own, up to 8 a core, and returns little
 * of what is freed in them to the system. A day-0 ingest's RSS grew by
 * ≈ 60 MB over its run beyond what the two V8 heaps and their buffers
 * held, and its peak varied from run to run: 269–316 MB (median 292) in
 * 6 runs, 258–272 MB (median 263) with two arenas, at the same speed
 * (docs/performance.md, session 11). Fixing the mmap threshold at 128 kB
 * did about as well on the median but not on the spread (252–292 MB).
 */
export const processEnvironment: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
