import type { DataQualityProblem } from '../events/event-types.ts';

export interface AlteredValue {
  code: Extract<DataQualityProblem['code'], 'REPEATED_KEY' | 'INEXACT_NUMBER'>;
  message: string;
}

interface Open {
  /** The names seen so far in an object; undefined for an array. */
  keys: Set<string> | undefined;
  path: string;
  /** The current member's name, or the current item's index. */
  at: string | number;
}

/**
 * What JSON.parse silently changes in the text of one element, already
 * known to be valid JSON: a name repeated in one object (JSON.parse keeps
 * the last value) or a number that does not read back as written
 * (9007199254740993 becomes …992, 1e400 becomes Infinity, stored as null).
 * Returns the first in text order, with its path in the element. Only
 * elements that the splitter flagged come here (see SplitElement), so it
 * may be slow.
 */
export function findAlteredValue(text: string): AlteredValue | undefined {
  const stack: Open[] = [];
  let expectKey = false;
  let i = 0;
  const n = text.length;
  const path = () => {
    const top = stack[stack.length - 1];
    if (!top) return '(the element)';
    const inner = typeof top.at === 'number' ? `${top.path}[${top.at}]` : `${top.path}.${top.at}`;
    return inner.startsWith('.') ? inner.slice(1) : inner;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      const parent = stack.length === 0 ? '' : path();
      stack.push(
        c === 0x7b ? { keys: new Set(), path: parent, at: '' } : { keys: undefined, path: parent, at: 0 },
      );
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top && typeof top.at === 'number') top.at++;
      expectKey = top?.keys !== undefined;
      i++;
    } else if (c === 0x22) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) {
          top.at = key;
          return {
            code: 'REPEATED_KEY',
            message: `${path()} is written more than once in one object; readers disagree on which value counts, so the entity is skipped`,
          };
        }
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < n && isNumberChar(text.charCodeAt(end))) end++;
      const written = text.slice(i, end);
      const read = Number(written);
      if (!sameDecimal(written, JSON.stringify(read))) {
        const became = Number.isFinite(read)
          ? `a JSON reader gets ${JSON.stringify(read)}`
          : 'it is out of range (a JSON reader gets Infinity, stored as null)';
        return {
          code: 'INEXACT_NUMBER',
          message: `${path()} is the number ${written.length > 60 ? `${written.slice(0, 60)}…` : written}, which cannot be kept exactly (${became}), so the entity is skipped rather than altered`,
        };
      }
      i = end;
    } else {
      i++;
    }
  }
  return undefined;
}

function stringEnd(text: string, quote: number): number {
  let i = quote + 1;
  for (;;) {
    const c = text.charCodeAt(i++);
    if (c === 0x22) return i;
    if (c === 0x5c) i++;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/**
 * Whether two JSON number texts are the same decimal number (1.50 and 1.5,
 * 1e2 and 100 are; a zero's sign is not counted). "null" (what
 * JSON.stringify writes for Infinity) equals no number.
 */
export function sameDecimal(a: string, b: string): boolean {
  const x = decimalOf(a);
  const y = decimalOf(b);
  return x !== undefined && y !== undefined && x === y;
}

/** A normal form of a JSON number text: sign, significant digits and exponent ("-123e-2"), or "0". */
function decimalOf(text: string): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let scale = BigInt(exponent) - BigInt(fraction.length);
  const trimmed = digits.replace(/0+$/, '');
  scale += BigInt(digits.length - trimmed.length);
  digits = trimmed;
  return `${sign}${digits}e${scale}`;
}
