/**
 * Pinpoints where a piece of the document is broken, for the error message.
 * Only called once something has already been found wrong, so it may be slow.
 */

/**
 * Byte offset (within `bytes`) of the first sequence that is not valid UTF-8
 * (the WHATWG decoder's rules: no overlongs, surrogates or code points above
 * U+10FFFF), or undefined when all of it is valid.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > n) return i;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return undefined;
}

/**
 * Character index in `text` where JSON.parse failed with `error`. V8 names
 * the position for most errors but not for "Unexpected token"; then the
 * shortest prefix that fails for another reason than running out of input
 * ends just after the offending character.
 */
export function jsonErrorPosition(text: string, error: Error): number | undefined {
  const named = /at position (\d+)/.exec(error.message);
  if (named) return Number(named[1]);
  if (!error.message.startsWith('Unexpected token')) return undefined;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (failsBeforeEnd(text.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  return failsBeforeEnd(text.slice(0, low)) ? low - 1 : undefined;
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Unexpected end of JSON input')) return false;
    const named = /at position (\d+)/.exec(message);
    return !named || Number(named[1]) < prefix.length;
  }
}

/** Byte length of the UTF-8 encoding of text's first `characters` characters. */
export function utf8Length(text: string, characters: number): number {
  return Buffer.byteLength(text.slice(0, characters), 'utf8');
}
