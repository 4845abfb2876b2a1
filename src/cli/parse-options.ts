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

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError(`not a TCP port: ${value}`);
  return port;
}
