import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** An ISO 8601 instant or date; without a zone it is UTC (as-of instants are UTC). */
export function parseInstant(value: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const isDateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(hasZone || isDateOnly ? value : `${value}Z`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`not an ISO 8601 instant: ${value}`);
  }
  return date;
}

export function parseRatio(value: string): number {
  const ratio = Number(value);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new InvalidArgumentError(`not a ratio between 0 and 1: ${value}`);
  return ratio;
}

export function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new InvalidArgumentError(`not a whole number: ${value}`);
  return count;
}

/** `true` (any proxy), `false` (none), or the proxies' addresses and CIDR ranges, comma-separated. */
export function parseTrustProxy(value: string): boolean | string {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  for (const entry of text.split(',')) {
    const [address = '', bits, ...rest] = entry.trim().split('/');
    const width = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
    const range = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= width);
    if (width === 0 || !range || rest.length > 0)
      throw new InvalidArgumentError(`not true, false or a list of proxy addresses/CIDRs: ${value}`);
  }
  return text;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError(`not a TCP port: ${value}`);
  return port;
}
