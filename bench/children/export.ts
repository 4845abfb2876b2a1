/**
 * Bench child: `opais export` of one table to a file, timed from the first
 * query to the file complete; or (--copy) the baseline: the same rows as CSV
 * straight out of PostgreSQL's COPY, no formatting in Node.
 *
 *   export.ts --what T --format F [--history] --out FILE
 *   export.ts --what T --copy --out FILE
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { to as copyTo } from 'pg-copy-streams';
import { openDatabase } from '../../src/db/open-database.ts';
import { type ExportFormat, parseExportFormat } from '../../src/export/export-format.ts';
import { openExport } from '../../src/export/open-export.ts';
import { writeExportOutput } from '../../src/export/write-export-output.ts';
import { reportResult } from '../run-child.ts';

const { values } = parseArgs({
  options: {
    what: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    history: { type: 'boolean', default: false },
    copy: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const { DATABASE_URL: databaseUrl, OPAIS_SCHEMA: schema } = process.env;
if (!values.what || !values.out || !databaseUrl || !schema || !/^dim_[a-z_]+$/.test(values.what)) {
  throw new Error(
    'usage: DATABASE_URL=... OPAIS_SCHEMA=... export.ts --what dim_… [--format F] [--history|--copy] --out FILE',
  );
}

const database = await openDatabase({ migrate: false });
const pool = database.pool;
try {
  const started = performance.now();
  if (values.copy) {
    const client = await pool.connect();
    try {
      const copy = client.query(
        copyTo(`copy (select * from ${values.what} order by row_id) to stdout (format csv, header)`),
      );
      await pipeline(copy, createWriteStream(values.out));
    } finally {
      client.release();
    }
  } else {
    const format: ExportFormat = parseExportFormat(values.format, '--format');
    const opened = await openExport(
      { pool, store: database.store },
      {
        what: values.what,
        format,
        history: values.history,
        places: { asOf: '--as-of', history: '--history', where: '--where', range: '--from' },
      },
    );
    await writeExportOutput(opened.body, values.out, opened.contentType);
  }
  const wallMs = performance.now() - started;
  const rows = await pool.query<{ n: number }>(`select count(*)::int as n from ${values.what}`);
  reportResult({ wallMs, rows: rows.rows[0]?.n, bytes: (await stat(values.out)).size });
} finally {
  await database.close();
}
