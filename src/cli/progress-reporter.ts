import { SingleBar } from 'cli-progress';
import type { BackfillProgress } from '../ingest/backfill.ts';
import type { IngestProgress } from '../ingest/ingest-snapshot.ts';

/** A progress bar (bytes and entities per second) on a terminal; silent when stderr is not a TTY. */
export function progressReporter(label: string): {
  update: (progress: IngestProgress) => void;
  stop: () => void;
} {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const started = performance.now();
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {mb} MB | {mbps} MB/s | {entities} entities | {eps} entities/s`,
    hideCursor: true,
  });
  let lastDraw = 0;
  let running = false;
  return {
    update(progress) {
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const payload = {
        mb: (progress.bytes / 1e6).toFixed(1),
        mbps: (progress.bytes / 1e6 / seconds).toFixed(1),
        entities: progress.entities,
        eps: Math.round(progress.entities / seconds),
      };
      const total = progress.totalBytes ?? progress.bytes;
      if (!running) {
        bar.start(total, progress.bytes, payload);
        running = true;
      } else {
        bar.setTotal(Math.max(total, progress.bytes));
        bar.update(progress.bytes, payload);
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}

/** One bar for a whole backfill: files done and left, entities per second over the run, ETA by bytes. */
export function backfillProgressReporter(): {
  update: (progress: BackfillProgress) => void;
  stop: () => void;
} {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const started = performance.now();
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      'backfill [{bar}] {percentage}% | files {filesDone}/{files} ({left} left) | {eps} entities/s | ETA {eta_formatted} | {current}',
    hideCursor: true,
    etaBuffer: 200,
  });
  let lastDraw = 0;
  let running = false;
  return {
    update(progress) {
      const now = performance.now();
      if (now - lastDraw < 100 && progress.filesDone < progress.files) return;
      lastDraw = now;
      const payload = {
        filesDone: progress.filesDone,
        files: progress.files,
        left: progress.files - progress.filesDone,
        eps: Math.round(progress.entities / Math.max((now - started) / 1000, 0.001)),
        current: progress.current,
      };
      if (!running) {
        bar.start(Math.max(progress.totalBytes, 1), progress.bytes, payload);
        running = true;
      } else {
        bar.update(progress.bytes, payload);
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
