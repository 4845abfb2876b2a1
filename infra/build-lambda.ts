/**
 * `npm run build:lambda`: bundles the Lambda handlers with esbuild into
 * dist/lambda/handler.zip for the Node.js Lambda runtime (handler settings
 * `index.handler`, the ingest, and `index.fetchHandler`, the daily download).
 * The zip keeps the repository's layout, because migrate.ts finds the SQL
 * migrations at `../../ddl/` from its own module:
 *
 *   index.mjs                    export { handler, fetchHandler } from './src/lambda/handler.mjs'
 *   src/lambda/handler.mjs       the bundle (+ .map)
 *   src/lambda/element-worker.mjs  the snapshot reader's worker threads' own bundle (+ .map),
 *                                found beside the handler's (src/snapshot/element-workers.ts)
 *   ddl/NNNN_*.sql               the migrations, applied on a cold start
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import yazl from 'yazl';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultOutDir = path.join(root, 'dist/lambda');
const bundleFile = 'src/lambda/handler.mjs';
const workerFile = 'src/lambda/element-worker.mjs';

/**
 * Lambda has no embedded PostgreSQL (DATABASE_URL or the secret is required
 * there), and its binaries are far over Lambda's size limit: the module that
 * starts it is replaced by one that says so, should it ever be reached.
 */
const withoutEmbeddedPostgres: Plugin = {
  name: 'without-embedded-postgres',
  setup(esbuild) {
    esbuild.onResolve({ filter: /start-embedded-postgres\.ts$/ }, (args) => ({
      path: args.path,
      namespace: 'without-embedded-postgres',
    }));
    esbuild.onLoad({ filter: /.*/, namespace: 'without-embedded-postgres' }, () => ({
      contents: `export async function startEmbeddedPostgres() {
  throw new Error('there is no embedded PostgreSQL in the Lambda bundle: set DATABASE_URL or OPAIS_DATABASE_SECRET_ARN');
}`,
      loader: 'js',
    }));
  },
};

/** Builds into `outDir` (dist/lambda by default; tests running side by side each give their own). */
export async function buildLambda(outDir = defaultOutDir): Promise<{ zip: string; bundleBytes: number }> {
  const bundleDir = path.join(outDir, 'bundle');
  await rm(outDir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: {
      handler: 'src/lambda/lambda-handlers.ts',
      'element-worker': 'src/snapshot/element-worker.ts',
    },
    outdir: path.join(bundleDir, path.dirname(bundleFile)),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    // pg loads pg-native only when asked for it (pg.native), which this code never does.
    external: ['pg-native'],
    plugins: [withoutEmbeddedPostgres],
    // CommonJS dependencies (pg, yauzl) call require(); an ES module bundle has none of its own.
    banner: {
      js: "import { createRequire as __opaisCreateRequire } from 'node:module'; const require = __opaisCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });

  const zip = new yazl.ZipFile();
  // A fixed timestamp: the same sources give the same zip (and the same CodeSha256).
  const entry = { mtime: new Date('2020-01-01T00:00:00Z'), mode: 0o100644 };
  zip.addBuffer(
    Buffer.from(`export { handler, fetchHandler } from './${bundleFile}';\n`),
    'index.mjs',
    entry,
  );
  for (const file of [bundleFile, workerFile]) {
    zip.addBuffer(await readFile(path.join(bundleDir, file)), file, entry);
    zip.addBuffer(await readFile(path.join(bundleDir, `${file}.map`)), `${file}.map`, entry);
  }
  for (const name of (await readdir(path.join(root, 'ddl'))).filter((name) => name.endsWith('.sql')).sort()) {
    zip.addBuffer(await readFile(path.join(root, 'ddl', name)), `ddl/${name}`, entry);
  }
  zip.end();
  const zipPath = path.join(outDir, 'handler.zip');
  await mkdir(outDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
  return { zip: zipPath, bundleBytes: (await stat(path.join(bundleDir, bundleFile))).size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { zip, bundleBytes } = await buildLambda();
  const zipBytes = (await stat(zip)).size;
  process.stdout.write(
    `${path.relative(root, zip)}: ${(zipBytes / 1e6).toFixed(1)} MB (bundle ${(bundleBytes / 1e6).toFixed(1)} MB); handlers index.handler, index.fetchHandler\n`,
  );
}
