import { OpaisError, snapshotMalformed, snapshotPlace } from '../errors.ts';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes.ts';

/** One top-level element of the root's `coveredEntities` array, as its bytes in the document. */
export interface SplitElement {
  /** Position in `coveredEntities` (0-based). */
  index: number;
  /** Byte offset of the element's first byte in the document, a BOM included. */
  offset: number;
  bytes: Buffer;
  /**
   * Members (`:` outside strings) in all the element's objects. JSON.parse
   * keeps only the last of a repeated key, so fewer members after parsing
   * means a key was repeated.
   */
  members: number;
  /**
   * The element holds a number that JSON.parse may not keep exactly: more
   * than 15 digits, a fraction or an exponent. Integers of up to 15 digits
   * (nearly every number of an export) always read back as written.
   */
  longNumbers: boolean;
}

export interface SplitterLimits {
  /** An element (or a root member's name) longer than this many bytes is refused, not held. */
  maxElementBytes: number;
}

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const BOM = [0xef, 0xbb, 0xbf];

// Where the scanner is. The root's own members (all but the elements) are
// "root" mode: checked as JSON byte by byte and not kept.
const BEFORE_ROOT = 0;
const ROOT = 1;
const BEFORE_ELEMENT = 2;
const IN_ELEMENT = 3;
const AFTER_ELEMENT = 4;
const AFTER_ROOT = 5;

const CONTAINER = 0;
const STRING = 1;
const SCALAR = 2;

/** Depth of an element's own brackets' parent: the root object and the array. */
const ARRAY_DEPTH = 2;

// What the root's grammar expects next, outside any token.
const EXPECT_VALUE = 0;
const EXPECT_VALUE_OR_CLOSE = 1;
const EXPECT_KEY_OR_CLOSE = 2;
const EXPECT_KEY = 3;
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_CLOSE = 5;

// A number of the root being read (JSON's number grammar); NO_NUMBER outside one.
const NO_NUMBER = 0;
const AFTER_MINUS = 1;
const AFTER_ZERO = 2;
const IN_INTEGER = 3;
const AFTER_DOT = 4;
const IN_FRACTION = 5;
const AFTER_E = 6;
const AFTER_EXPONENT_SIGN = 7;
const IN_EXPONENT = 8;

const validEscapes = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));
/** The longest way to write "coveredEntities" in a key: every character as a \u escape, and the quotes. */
const longestCoveredEntitiesKey = 2 + 6 * 'coveredEntities'.length;

/** 64 MiB: the largest entity of a real export is a few megabytes. */
export const defaultSplitterLimits: SplitterLimits = { maxElementBytes: 64 * 1024 * 1024 };

/**
 * A streaming state machine over the bytes of an OPAIS export that finds the
 * root object's `coveredEntities` member and cuts out each of its top-level
 * elements, tracking only string/escape state and bracket nesting. Parsing
 * each element by itself with JSON.parse is what makes the reader fast and
 * bounded (docs/performance.md): memory holds one element at a time, and an
 * element larger than `maxElementBytes` is refused before it is held.
 *
 * The elements' contents are checked by JSON.parse, not here. The root's
 * other members are checked here, byte by byte, as JSON (grammar, escapes,
 * UTF-8) and never held, whatever their size. Every fault is an OpaisError
 * SNAPSHOT_MALFORMED naming the file and the byte offset (and the entity
 * index when inside the array); an element over the limit is
 * SNAPSHOT_TOO_LARGE, naming the limit.
 */
export class CoveredEntitiesSplitter {
  private readonly fileName: string;
  private readonly limits: SplitterLimits;
  /** Document offset of the current chunk's first byte. */
  private chunkOffset = 0;
  private mode = BEFORE_ROOT;
  /** Open brackets, outermost first ('{' or '['); depth = how many are open. */
  private stack: Uint8Array = new Uint8Array(64);
  private depth = 0;
  private bomLength = 0;
  private inString = false;
  /** The chunk ended just after a backslash inside a string. */
  private escaped = false;

  // The root object outside coveredEntities.
  private rootOffset = 0;
  private expect = EXPECT_KEY_OR_CLOSE;
  private rootString = false;
  private rootStringIsKey = false;
  /** 0 outside an escape; -1 just after a backslash; 1–4 hex digits of a \u escape still to come. */
  private escape = 0;
  /** Continuation bytes of a UTF-8 sequence still to come, the bounds of the next one, and where it started. */
  private utf8Remaining = 0;
  private utf8Low = 0x80;
  private utf8High = 0xbf;
  private utf8Start = 0;
  private number = NO_NUMBER;
  private literal = '';
  private literalAt = 0;
  /** The bytes of a name of the root object, while it may still be "coveredEntities". */
  private key: number[] | undefined;
  private valueOfCoveredEntities = false;
  private seenCoveredEntities = false;

  // The array and its elements.
  private afterComma = false;
  private elementKind = CONTAINER;
  private elementCount = 0;
  private elementOffset = 0;
  private elementStart = 0;
  private elementParts: Buffer[] = [];
  private elementLength = 0;
  private members = 0;
  private digits = 0;
  private longNumbers = false;

  constructor(fileName: string, limits: SplitterLimits = defaultSplitterLimits) {
    this.fileName = fileName;
    this.limits = limits;
  }

  /** Scans the next chunk of the document; returns the elements that ended in it, in order. */
  push(chunk: Buffer): SplitElement[] {
    const out: SplitElement[] = [];
    const n = chunk.length;
    this.elementStart = 0;
    let i = 0;
    while (i < n) {
      switch (this.mode) {
        case IN_ELEMENT:
          i =
            this.elementKind === CONTAINER
              ? this.scanContainer(chunk, i, out)
              : this.elementKind === STRING
                ? this.scanStringElement(chunk, i, out)
                : this.scanScalarElement(chunk, i, out);
          break;
        case AFTER_ELEMENT:
          i = this.scanAfterElement(chunk, i);
          break;
        case BEFORE_ELEMENT:
          i = this.scanBeforeElement(chunk, i);
          break;
        case ROOT:
          i = this.scanRoot(chunk, i);
          break;
        case BEFORE_ROOT:
          i = this.scanBeforeRoot(chunk, i);
          break;
        default:
          i = this.scanAfterRoot(chunk, i);
      }
    }
    if (this.mode === IN_ELEMENT) {
      const part = chunk.subarray(this.elementStart, n);
      this.checkElementSize(part.length);
      this.elementParts.push(part);
      this.elementLength += part.length;
    }
    this.chunkOffset += n;
    return out;
  }

  /** Checks that the document ended where it may. */
  end(): void {
    const size = this.chunkOffset;
    if (size === 0) throw this.malformed({ offset: 0 }, 'the file is empty (0 bytes)');
    switch (this.mode) {
      case BEFORE_ROOT:
        throw this.malformed({ offset: size }, 'the document holds no JSON value, only whitespace');
      case ROOT:
        throw this.malformed(
          { offset: size },
          'the document ends before the root object closes (truncated?)',
        );
      case BEFORE_ELEMENT:
      case AFTER_ELEMENT:
        throw this.malformed(
          { offset: size },
          `the document ends inside coveredEntities after ${this.elementCount} entities (truncated?)`,
        );
      case IN_ELEMENT:
        throw this.malformed(
          { index: this.elementCount, offset: size },
          `the document ends inside this entity, which starts at byte offset ${this.elementOffset} (truncated?)`,
        );
    }
    if (!this.seenCoveredEntities) {
      throw this.malformed({ offset: this.rootOffset }, 'the root object has no coveredEntities member');
    }
  }

  private scanBeforeRoot(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      const at = this.chunkOffset + i;
      if (at === this.bomLength && c === BOM[at]) {
        this.bomLength++;
        continue;
      }
      if (this.bomLength % 3 !== 0)
        throw this.malformed({ offset: 0 }, 'invalid UTF-8 (an incomplete byte-order mark)');
      if (isWhitespace(c)) continue;
      if (c !== OPEN_BRACE) {
        throw this.malformed({ offset: at }, `the root is not an object: it starts with ${describeByte(c)}`);
      }
      this.push1(c);
      this.mode = ROOT;
      this.rootOffset = at;
      this.expect = EXPECT_KEY_OR_CLOSE;
      return i + 1;
    }
    return i;
  }

  /**
   * The root object outside coveredEntities, checked against JSON's grammar
   * a byte at a time. Only its member names are looked at (for
   * coveredEntities); nothing is kept, so an unknown member of any size
   * costs no memory. Returns where scanning stopped.
   */
  private scanRoot(buf: Buffer, i: number): number {
    const n = buf.length;
    for (; i < n; i++) {
      const c = buf[i] as number;
      if (this.rootString) {
        // Plain ASCII needs no check beyond this: a long string of the root costs a compare per byte.
        const plain = c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH;
        if (plain && this.escape === 0 && this.utf8Remaining === 0 && !this.key) continue;
        this.stringByte(c, i);
        continue;
      }
      if (this.number !== NO_NUMBER && this.numberByte(c, i)) continue;
      if (this.literal !== '') {
        if (c !== this.literal.charCodeAt(this.literalAt)) {
          throw this.rootSyntax(i, `expected '${this.literal}', found ${describeByte(c)}`);
        }
        if (++this.literalAt === this.literal.length) {
          this.literal = '';
          this.afterValue();
        }
        continue;
      }
      if (isWhitespace(c)) continue;
      switch (this.expect) {
        case EXPECT_COLON:
          if (c !== COLON)
            throw this.rootSyntax(i, `expected ':' after a member name, found ${describeByte(c)}`);
          this.expect = EXPECT_VALUE;
          break;
        case EXPECT_KEY_OR_CLOSE:
        case EXPECT_KEY:
          if (c === QUOTE) {
            this.rootString = true;
            this.rootStringIsKey = true;
            this.key = this.depth === 1 ? [c] : undefined;
          } else if (c === CLOSE_BRACE && this.expect === EXPECT_KEY_OR_CLOSE) {
            this.close(c, i);
            if (this.mode !== ROOT) return i + 1;
          } else {
            throw this.rootSyntax(i, `expected a member name in quotes, found ${describeByte(c)}`);
          }
          break;
        case EXPECT_COMMA_OR_CLOSE:
          if (c === COMMA)
            this.expect = this.stack[this.depth - 1] === OPEN_BRACE ? EXPECT_KEY : EXPECT_VALUE;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            this.close(c, i);
            if (this.mode !== ROOT) return i + 1;
          } else {
            const closer = this.stack[this.depth - 1] === OPEN_BRACE ? '}' : ']';
            throw this.rootSyntax(i, `expected ',' or '${closer}', found ${describeByte(c)}`);
          }
          break;
        default:
          if (this.valueOfCoveredEntities) {
            this.valueOfCoveredEntities = false;
            if (c !== OPEN_BRACKET) {
              throw this.malformed(
                { offset: this.chunkOffset + i },
                `coveredEntities is not an array: its value starts with ${describeByte(c)}`,
              );
            }
            this.push1(c);
            this.mode = BEFORE_ELEMENT;
            this.afterComma = false;
            return i + 1;
          }
          this.valueStart(c, i);
      }
    }
    return i;
  }

  private valueStart(c: number, i: number): void {
    if (c === OPEN_BRACE) {
      this.push1(c);
      this.expect = EXPECT_KEY_OR_CLOSE;
    } else if (c === OPEN_BRACKET) {
      this.push1(c);
      this.expect = EXPECT_VALUE_OR_CLOSE;
    } else if (c === QUOTE) {
      this.rootString = true;
      this.rootStringIsKey = false;
    } else if (c === MINUS) {
      this.number = AFTER_MINUS;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      this.number = c === DIGIT_0 ? AFTER_ZERO : IN_INTEGER;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      this.literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.literalAt = 1;
    } else if (c === CLOSE_BRACKET && this.expect === EXPECT_VALUE_OR_CLOSE) {
      this.close(c, i);
    } else {
      throw this.rootSyntax(i, `expected a value, found ${describeByte(c)}`);
    }
  }

  /** A closing bracket of the root: the value it closes ends there (or the document's root does). */
  private close(c: number, i: number): void {
    this.pop1(c, i);
    if (this.depth === 0) this.mode = AFTER_ROOT;
    else this.afterValue();
  }

  private afterValue(): void {
    this.expect = EXPECT_COMMA_OR_CLOSE;
  }

  /** One byte inside a string of the root: escapes, control characters and UTF-8 checked as JSON.parse would. */
  private stringByte(c: number, i: number): void {
    if (this.key) {
      if (this.key.length === longestCoveredEntitiesKey) this.key = undefined;
      else this.key.push(c);
    }
    if (this.utf8Remaining > 0) {
      if (c < this.utf8Low || c > this.utf8High)
        throw this.malformed({ offset: this.utf8Start }, 'invalid UTF-8');
      this.utf8Low = 0x80;
      this.utf8High = 0xbf;
      this.utf8Remaining--;
      return;
    }
    if (this.escape !== 0) {
      if (this.escape === -1) {
        if (!validEscapes.has(c))
          throw this.rootSyntax(i, `bad escape \\${String.fromCharCode(c)} in a string`);
        this.escape = c === 0x75 ? 4 : 0;
      } else {
        if (!isHexDigit(c)) throw this.rootSyntax(i, `bad \\u escape in a string: ${describeByte(c)}`);
        this.escape--;
      }
      return;
    }
    if (c === QUOTE) {
      this.rootString = false;
      if (this.rootStringIsKey) this.endKey(i);
      else this.afterValue();
    } else if (c === BACKSLASH) {
      this.escape = -1;
    } else if (c < 0x20) {
      throw this.rootSyntax(i, `a control character (${describeByte(c)}) in a string`);
    } else if (c >= 0x80) {
      this.utf8Start = this.chunkOffset + i;
      if (c >= 0xc2 && c <= 0xdf) this.utf8Remaining = 1;
      else if (c >= 0xe0 && c <= 0xef) {
        this.utf8Remaining = 2;
        if (c === 0xe0) this.utf8Low = 0xa0;
        if (c === 0xed) this.utf8High = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        this.utf8Remaining = 3;
        if (c === 0xf0) this.utf8Low = 0x90;
        if (c === 0xf4) this.utf8High = 0x8f;
      } else throw this.malformed({ offset: this.utf8Start }, 'invalid UTF-8');
    }
  }

  private endKey(quote: number): void {
    this.expect = EXPECT_COLON;
    const key = this.key;
    this.key = undefined;
    if (!key || JSON.parse(Buffer.from(key).toString('utf8')) !== 'coveredEntities') return;
    if (this.seenCoveredEntities) {
      throw this.malformed({ offset: this.chunkOffset + quote }, 'the root object has coveredEntities twice');
    }
    this.seenCoveredEntities = true;
    this.valueOfCoveredEntities = true;
  }

  /** One byte of a number of the root; false when the number ended before it (the byte is then the next token's). */
  private numberByte(c: number, i: number): boolean {
    const state = this.number;
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      if (state === AFTER_ZERO) throw this.rootSyntax(i, 'a number with a leading zero');
      this.number =
        state === AFTER_MINUS
          ? c === DIGIT_0
            ? AFTER_ZERO
            : IN_INTEGER
          : state === AFTER_DOT
            ? IN_FRACTION
            : state === AFTER_E || state === AFTER_EXPONENT_SIGN
              ? IN_EXPONENT
              : state;
      return true;
    }
    if (c === DOT && (state === AFTER_ZERO || state === IN_INTEGER)) this.number = AFTER_DOT;
    else if (
      (c === LOWER_E || c === UPPER_E) &&
      (state === AFTER_ZERO || state === IN_INTEGER || state === IN_FRACTION)
    )
      this.number = AFTER_E;
    else if ((c === PLUS || c === MINUS) && state === AFTER_E) this.number = AFTER_EXPONENT_SIGN;
    else if (
      state === AFTER_MINUS ||
      state === AFTER_DOT ||
      state === AFTER_E ||
      state === AFTER_EXPONENT_SIGN
    )
      throw this.rootSyntax(i, `an incomplete number: ${describeByte(c)} where a digit belongs`);
    else {
      this.number = NO_NUMBER;
      this.afterValue();
      return false;
    }
    return true;
  }

  private scanBeforeElement(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      if (isWhitespace(c)) continue;
      const at = this.chunkOffset + i;
      if (c === CLOSE_BRACKET) {
        if (this.afterComma) {
          throw this.malformed(
            { index: this.elementCount, offset: at },
            "expected an entity after ',', found ']'",
          );
        }
        return this.closeArray(c, i);
      }
      if (c === COMMA || c === CLOSE_BRACE || c === COLON) {
        throw this.malformed(
          { index: this.elementCount, offset: at },
          `expected an entity, found ${describeByte(c)}`,
        );
      }
      this.mode = IN_ELEMENT;
      this.elementOffset = at;
      this.elementStart = i;
      this.members = 0;
      this.digits = 0;
      this.longNumbers = false;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.elementKind = CONTAINER;
        this.push1(c);
      } else if (c === QUOTE) {
        this.elementKind = STRING;
        this.inString = true;
      } else {
        this.elementKind = SCALAR;
      }
      return i + 1;
    }
    return i;
  }

  private scanAfterElement(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      if (isWhitespace(c)) continue;
      if (c === COMMA) {
        this.mode = BEFORE_ELEMENT;
        this.afterComma = true;
        return i + 1;
      }
      if (c === CLOSE_BRACKET) return this.closeArray(c, i);
      throw this.malformed(
        { index: this.elementCount - 1, offset: this.chunkOffset + i },
        `expected ',' or ']' after this entity, found ${describeByte(c)}`,
      );
    }
    return i;
  }

  private closeArray(c: number, i: number): number {
    this.pop1(c, i);
    this.mode = ROOT;
    this.afterValue();
    return i + 1;
  }

  /**
   * The hot loop: inside an object or array element, only quotes, escapes
   * and brackets matter, and outside strings the colons and digits are
   * counted (see SplitElement). Returns where scanning stopped.
   */
  private scanContainer(buf: Buffer, i: number, out: SplitElement[]): number {
    const n = buf.length;
    let stack = this.stack;
    let depth = this.depth;
    if (this.inString) {
      i = this.skipString(buf, i);
      if (i === n) return n;
    }
    let digits = this.digits;
    while (i < n) {
      const c = buf[i++] as number;
      if (c <= 0x20) continue; // whitespace first: pretty-printed exports are full of it
      if (c === QUOTE) {
        // skipString inlined: halves the time on a pretty-printed export (docs/performance.md)
        for (;;) {
          if (i >= n) {
            this.inString = true;
            this.escaped = i > n;
            this.depth = depth;
            this.digits = digits;
            return n;
          }
          const d = buf[i++] as number;
          if (d === QUOTE) break;
          if (d === BACKSLASH) i++;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === stack.length) stack = this.growStack();
        stack[depth++] = c;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = stack[--depth] as number;
        if (open !== c - 2) {
          this.depth = depth + 1;
          throw this.mismatch(c, open, i - 1);
        }
        if (depth === ARRAY_DEPTH) {
          this.depth = depth;
          this.emitElement(buf, i, out);
          return i;
        }
      } else if (c === COLON) {
        this.members++;
        digits = 0;
      } else if (c === COMMA) {
        digits = 0;
      } else if (c >= DIGIT_0 && c <= DIGIT_9) {
        if (++digits > 15) this.longNumbers = true;
      } else if (c === DOT || c === UPPER_E || (c === LOWER_E && digits > 0)) {
        this.longNumbers = true;
      }
    }
    this.depth = depth;
    this.digits = digits;
    return n;
  }

  /** From inside a string, to just after its closing quote (or the chunk's end, with the state kept). */
  private skipString(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    while (i < n) {
      const c = buf[i++] as number;
      if (c === QUOTE) {
        this.inString = false;
        return i;
      }
      if (c === BACKSLASH) {
        if (i === n) {
          this.escaped = true;
          return n;
        }
        i++;
      }
    }
    return n;
  }

  private scanStringElement(buf: Buffer, i: number, out: SplitElement[]): number {
    i = this.skipString(buf, i);
    if (!this.inString) this.emitElement(buf, i, out);
    return i;
  }

  private scanScalarElement(buf: Buffer, i: number, out: SplitElement[]): number {
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      if (isWhitespace(c) || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        this.emitElement(buf, i, out);
        return i;
      }
    }
    return i;
  }

  private emitElement(buf: Buffer, end: number, out: SplitElement[]): void {
    let bytes = buf.subarray(this.elementStart, end);
    this.checkElementSize(bytes.length);
    if (this.elementParts.length > 0) {
      this.elementParts.push(bytes);
      bytes = Buffer.concat(this.elementParts, this.elementLength + bytes.length);
      this.elementParts = [];
      this.elementLength = 0;
    }
    out.push({
      index: this.elementCount++,
      offset: this.elementOffset,
      bytes,
      members: this.members,
      longNumbers: this.longNumbers,
    });
    this.mode = AFTER_ELEMENT;
  }

  /** Refuses the element before holding more of it than the limit. */
  private checkElementSize(more: number): void {
    const { maxElementBytes } = this.limits;
    if (this.elementLength + more <= maxElementBytes) return;
    throw new OpaisError(
      'SNAPSHOT_TOO_LARGE',
      `${this.fileName} at ${snapshotPlace({ index: this.elementCount, offset: this.elementOffset })}: this entity is larger than the maximum element size of ${maxElementBytes} bytes (OPAIS_MAX_ELEMENT_BYTES); nothing was applied`,
      { file: this.fileName, index: this.elementCount, offset: this.elementOffset, maxElementBytes },
    );
  }

  private scanAfterRoot(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      if (!isWhitespace(c)) {
        throw this.malformed(
          { offset: this.chunkOffset + i },
          `unexpected ${describeByte(c)} after the root object has closed`,
        );
      }
    }
    return i;
  }

  private push1(c: number): void {
    if (this.depth === this.stack.length) this.growStack();
    this.stack[this.depth++] = c;
  }

  private pop1(c: number, i: number): void {
    const open = this.stack[--this.depth] as number;
    if (open !== c - 2) {
      this.depth++;
      throw this.mismatch(c, open, i);
    }
  }

  private growStack(): Uint8Array {
    const bigger = new Uint8Array(this.stack.length * 2);
    bigger.set(this.stack);
    this.stack = bigger;
    return bigger;
  }

  private mismatch(c: number, open: number, i: number): Error {
    const inElement = this.mode === IN_ELEMENT;
    return this.malformed(
      inElement
        ? { index: this.elementCount, offset: this.chunkOffset + i }
        : { offset: this.chunkOffset + i },
      `${describeByte(c)} does not close the ${describeByte(open)} that is open there`,
    );
  }

  private rootSyntax(i: number, reason: string): Error {
    return this.malformed(
      { offset: this.chunkOffset + i },
      `not valid JSON outside coveredEntities: ${reason}`,
    );
  }

  private malformed(place: { offset?: number; index?: number }, reason: string): Error {
    return snapshotMalformed(this.fileName, place, reason);
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isHexDigit(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
