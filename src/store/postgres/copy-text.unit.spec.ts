import { expect, it } from 'vitest';
import { copyText } from './copy-text.ts';

it('escapes exactly what COPY text format treats specially', () => {
  expect(copyText('plain "json" value')).toBe('plain "json" value');
  expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
});
