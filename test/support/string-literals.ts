/** A string literal of a source file (a template's literal parts joined), with the line it starts on. */
export interface StringLiteral {
  text: string;
  line: number;
}

/**
 * The string literals of a TypeScript or JavaScript source, comments left
 * out. A hand-written scanner, since the TypeScript installed here has no
 * compiler API: quotes, templates (with `${…}` nesting) and comments are
 * followed exactly; a `/` starts a regular expression where an operand is
 * expected (after an operator, an opening bracket or a keyword), as a
 * JavaScript lexer decides it.
 */
export function stringLiterals(source: string): StringLiteral[] {
  const found: StringLiteral[] = [];
  let index = 0;
  let line = 1;
  /** Open template literals and the brace depth of each one's current `${`. */
  const templates: { parts: string[]; line: number; depth: number }[] = [];
  let lastSignificant = '';

  const advance = (count = 1) => {
    for (let k = 0; k < count; k++) if (source[index++] === '\n') line += 1;
  };

  const readTemplate = (template: { parts: string[]; line: number; depth: number }) => {
    // Reads literal text up to the closing backtick or a `${`.
    let text = '';
    while (index < source.length) {
      const char = source[index] as string;
      if (char === '\\') {
        text += source.slice(index, index + 2);
        advance(2);
      } else if (char === '`') {
        advance();
        template.parts.push(text);
        templates.pop();
        found.push({ text: template.parts.join(' '), line: template.line });
        lastSignificant = 'x';
        return;
      } else if (char === '$' && source[index + 1] === '{') {
        advance(2);
        template.parts.push(text);
        template.depth = 0;
        lastSignificant = '{';
        return;
      } else {
        text += char;
        advance();
      }
    }
  };

  while (index < source.length) {
    const char = source[index] as string;
    const next = source[index + 1];
    if (char === '/' && next === '/') {
      while (index < source.length && source[index] !== '\n') advance();
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      advance((end === -1 ? source.length : end + 2) - index);
    } else if (char === "'" || char === '"') {
      const start = line;
      advance();
      let text = '';
      while (index < source.length && source[index] !== char && source[index] !== '\n') {
        if (source[index] === '\\') {
          text += source.slice(index, index + 2);
          advance(2);
        } else {
          text += source[index];
          advance();
        }
      }
      advance();
      found.push({ text, line: start });
      lastSignificant = 'x';
    } else if (char === '`') {
      const template = { parts: [], line, depth: 0 };
      templates.push(template);
      advance();
      readTemplate(template);
    } else if (char === '/' && startsOperand(lastSignificant)) {
      advance();
      let inClass = false;
      while (index < source.length && source[index] !== '\n') {
        const c = source[index];
        if (c === '\\') advance();
        else if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        advance();
      }
      advance();
      lastSignificant = 'x';
    } else if (char === '}' && templates.length > 0 && (templates.at(-1)?.depth ?? 0) === 0) {
      advance();
      readTemplate(templates.at(-1) as { parts: string[]; line: number; depth: number });
    } else {
      const open = templates.at(-1);
      if (open && char === '{') open.depth += 1;
      if (open && char === '}') open.depth -= 1;
      if (/\S/.test(char)) {
        if (/[A-Za-z0-9_$]/.test(char)) {
          const word = /^[A-Za-z0-9_$]+/.exec(source.slice(index, index + 64))?.[0] ?? char;
          lastSignificant = operandKeywords.has(word) ? '(' : 'x';
          advance(word.length);
          continue;
        }
        lastSignificant = char;
      }
      advance();
    }
  }
  return found;
}

const operandKeywords = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);

/** Whether a `/` after this character starts a regular expression rather than a division. */
function startsOperand(previous: string): boolean {
  return previous === '' || '(,=:[!&|?{};+-*%<>~^'.includes(previous);
}
