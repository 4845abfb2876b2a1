import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  Table as ArrowTable,
  Int64,
  makeData,
  makeVector,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { ExportCell, ExportColumn, ExportRows } from './export-table.ts';

/**
 * Rows in a row group: DuckDB's default, which BI tools and query engines
 * read well (they skip and parallelise by row group) while the writer's
 * buffer stays a few tens of MB.
 */
const rowGroupRows = 122_880;
/** Rows converted to Arrow at a time. */
const batchRows = 16_384;

/**
 * Parquet with typed columns: text (and the Y/N flags, which the data
 * contract keeps as strings) as UTF-8 strings, timestamps as
 * TIMESTAMP(MICROS, UTC), integers as INT64, JSON as its text; zstd
 * compression. Apache Arrow builds the batches and parquet-wasm (the Rust
 * arrow-rs writer compiled to WebAssembly) encodes them as they come, one
 * row group at a time: see the README's dependency table for the choice.
 */
export function parquetStream({ columns, rows }: ExportRows): Readable {
  const batches = arrowBatches(columns, rows);
  const source = new ReadableStream<parquet.RecordBatch>({
    async pull(controller) {
      const next = await batches.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setMaxRowGroupSize(rowGroupRows)
    .setCreatedBy('opais-changelog')
    .build();
  return Readable.from(
    (async function* () {
      const bytes = (await parquet.transformParquetStream(
        source,
        properties,
      )) as WebReadableStream<Uint8Array>;
      yield* bytes;
    })(),
    { objectMode: false },
  );
}

async function* arrowBatches(
  columns: readonly ExportColumn[],
  rows: AsyncIterable<readonly ExportCell[]>,
): AsyncGenerator<parquet.RecordBatch> {
  let pending: (readonly ExportCell[])[] = [];
  let any = false;
  for await (const row of rows) {
    pending.push(row);
    if (pending.length >= batchRows) {
      yield toWasmBatch(columns, pending);
      any = true;
      pending = [];
    }
  }
  // An empty export still has its columns: one batch of no rows carries the schema.
  if (pending.length > 0 || !any) yield toWasmBatch(columns, pending);
}

function toWasmBatch(
  columns: readonly ExportColumn[],
  rows: readonly (readonly ExportCell[])[],
): parquet.RecordBatch {
  const vectors: Record<string, Vector> = {};
  for (const [index, column] of columns.entries()) {
    const cells = rows.map((row) => row[index] ?? null);
    vectors[column.name] =
      column.kind === 'timestamp'
        ? int64Vector(new TimestampMicrosecond('UTC'), cells, epochMicros)
        : column.kind === 'integer'
          ? int64Vector(new Int64(), cells, BigInt)
          : vectorFromArray(cells, new Utf8());
  }
  const table = parquet.Table.fromIPCStream(tableToIPC(new ArrowTable(vectors), 'stream'));
  const [batch] = table.recordBatches();
  table.free();
  return batch as parquet.RecordBatch;
}

/** A 64-bit column built from its buffers (Arrow's own timestamp builder takes milliseconds and would drop microseconds). */
function int64Vector(
  type: Int64 | TimestampMicrosecond,
  cells: readonly ExportCell[],
  toBigInt: (cell: string) => bigint,
): Vector {
  const values = new BigInt64Array(cells.length);
  const validity = new Uint8Array(Math.ceil(cells.length / 8));
  let nullCount = 0;
  for (const [index, cell] of cells.entries()) {
    if (cell === null) {
      nullCount += 1;
      continue;
    }
    values[index] = toBigInt(cell);
    validity[index >> 3] = (validity[index >> 3] as number) | (1 << (index & 7));
  }
  const props = { length: cells.length, nullCount, nullBitmap: validity, data: values };
  return type instanceof Int64
    ? makeVector(makeData({ type, ...props }))
    : makeVector(makeData({ type, ...props }));
}

/** `2026-03-01T05:00:00.123456Z` → microseconds since the epoch, exactly. */
function epochMicros(cell: string): bigint {
  return BigInt(Date.parse(`${cell.slice(0, 19)}Z`)) * 1000n + BigInt(cell.slice(20, 26));
}
