#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// The environment and V8 options of src/node-options.ts (why there). Run as `node bin/opais.js`, give them yourself.
// The CLI runs from its TypeScript sources, so a fresh clone needs only `npm ci`. Node 24 strips the types
// itself (0.25 s to `opais ingest --help`, against 0.3–0.6 s through tsx, whose cache misses after every
// edit); an older Node goes through tsx.
if (!process.features.typescript) (await import('tsx/esm/api')).register();
await import('../src/cli/main.ts');
