import { SingleBar } from 'cli-progress';
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
