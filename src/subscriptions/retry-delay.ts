/** How long to wait before attempt `failures + 1`: exponential from `baseMs`, capped, with full jitter. */
export function backoffDelay(
  failures: number,
  options: { baseMs: number; maxMs: number },
  random = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  // Full jitter: many subscribers failing at once (a receiver's outage) do not retry in step.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A `Retry-After` header (seconds, or an HTTP date) as milliseconds from
 * `now`; undefined when absent or unreadable. Capped so a receiver cannot
 * park a subscription for days.
 */
export function retryAfterMs(header: string | null, now: number, maxMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now;
  return Number.isFinite(seconds) ? Math.min(Math.max(0, seconds), maxMs) : undefined;
}
