/**
 * JSON syntax errors of an experiment file as messages that quote the text at fault: jsonc-parser
 * gives a code and the range of the token it stopped at; the message names the fault, quotes that
 * token (or, inside a string, the escape or character at fault, located there) and says how JSON
 * writes it. Quoted text is an `excerpt` (whole characters, one line: line breaks and invisible
 * characters are written as escapes or U+XXXX) — docs/limits.md, "Reading an experiment file".
 */
import { createScanner, ParseError, ParseOptions, parseTree, printParseErrorCode } from 'jsonc-parser';
import { cutText, Diagnostic } from './diagnostic';
import { TOKEN } from './jsonTokens';

/** JSON as JSON.parse reads it (RFC 8259: no comments, no trailing commas), for jsonc-parser. */
const STRICT_JSON: ParseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/**
 * The first fault of `text` as strict JSON, located and worded as the experiment file's syntax errors
 * are — for text JSON.parse refused, whose message often names no position ("Unexpected token 'o', …
 * is not valid JSON"): a safetensors header, a metrics line. Undefined when jsonc-parser finds none,
 * or overflows its stack on text nested thousands deep.
 */
export function firstStrictJsonFault(text: string): Diagnostic | undefined {
  try {
    const errors: ParseError[] = [];
    parseTree(text, errors, STRICT_JSON);
    return errors.length ? syntaxDiagnostics(text, errors, STRICT_JSON)[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The located diagnostics of jsonc-parser's errors `errors` in `json`, parsed with `options`, without
 * the errors a token the scanner could not read drags after it. jsonc-parser reports such a token
 * (`'relu'`, `True`, `-Infinity`, a key without quotes) and then whatever the parser meets while it
 * recovers — "a value was expected" at the next comma, "a property name was expected" at the colon
 * after a single-quoted key — three errors for one fault. So the text is parsed again with each such
 * token (adjacent ones merged: `-Infinity` is one) replaced by what the place it stands in wants
 * (`placesOf`): `""` where a key or a value goes, white space where neither does (a stray `x` after a
 * value, or after a comma before the next key) and for invisible characters; the errors of that parse,
 * located back in `json`, stand for the rest: every fault of the file once, each at its offset.
 */
export function syntaxDiagnostics(json: string, errors: readonly ParseError[], options: ParseOptions): Diagnostic[] {
  const symbols: ParseError[] = [];
  let unclosed = false;
  for (const e of errors) {
    if (printParseErrorCode(e.error) !== 'InvalidSymbol') continue;
    const last = symbols[symbols.length - 1];
    const end = last ? last.offset + last.length : 0;
    if (last && e.offset < end) continue; // inside a quoted run (below)
    // Adjacent tokens are one fault (`-Infinity`); so are the words after a quote never closed ('a b).
    if (last && (e.offset === end || (unclosed && /^[ \t]+$/.test(json.slice(end, e.offset))))) last.length = e.offset + e.length - last.offset;
    else symbols.push({ ...e });
    // A string in other quotes is one fault to its closing quote on the line, spaces and all: 'a b' is
    // two tokens to the scanner.
    const open = symbols[symbols.length - 1];
    const close = CLOSING_QUOTE[json[open.offset]];
    unclosed = false;
    if (close === undefined) continue;
    const closing = closingQuote(json, open.offset + Math.max(1, open.length - 1), close);
    if (closing >= 0) open.length = Math.max(open.length, closing + 1 - open.offset);
    else unclosed = true;
  }
  if (symbols.length === 0) return withoutFollowers(json, errors).map((e) => syntaxDiagnostic(json, e));
  // The patched text, and where each replacement ends in it and in `json`.
  let patched = '';
  let at = 0;
  const ends: { patched: number; original: number; start: number }[] = [];
  const places = placesOf(json, symbols);
  symbols.forEach((e, i) => {
    const token = json.slice(e.offset, e.offset + e.length);
    patched += json.slice(at, e.offset);
    const start = patched.length;
    patched += INVISIBLE_RUN.test(token) || !places[i] ? ' ' : '""';
    at = e.offset + e.length;
    ends.push({ patched: patched.length, original: at, start });
  });
  patched += json.slice(at);
  const rest: ParseError[] = [];
  parseTree(patched, rest, options);
  const located: ParseError[] = [];
  let k = -1; // the last replacement that starts at or before the error (the errors come in order of offset)
  for (const e of rest) {
    while (k + 1 < ends.length && ends[k + 1].start <= e.offset) k++;
    const before = k >= 0 ? ends[k] : undefined;
    if (before && e.offset < before.patched) {
      // At a replacement: a fault of its context ("a comma was expected before" it), at the token.
      const symbol = symbols[k];
      located.push({ ...e, offset: symbol.offset, length: symbol.length });
    } else {
      located.push({ ...e, offset: before ? e.offset - before.patched + before.original : e.offset });
    }
  }
  return withoutFollowers(json, [...symbols, ...located].sort((a, b) => a.offset - b.offset)).map((e) => syntaxDiagnostic(json, e));
}

/**
 * Per token (in order of offset), whether a key or a value goes where it stands: it is followed by a
 * colon (a key without quotes), or it comes after a colon, an opening bracket, the file's start, or a
 * comma inside an array — not after a value, nor after a comma or brace of an object when no colon
 * follows (a stray character before the next key). One pass of jsonc-parser's scanner over the text
 * (its brackets kept, strings and comments skipped), so a file of many tokens is read in linear time.
 */
function placesOf(json: string, tokens: readonly ParseError[]): boolean[] {
  const scanner = createScanner(json, false);
  const trivia = (k: number) => k === TOKEN.Trivia || k === TOKEN.LineBreak || k === TOKEN.LineComment || k === TOKEN.BlockComment;
  const out: boolean[] = [];
  const stack: number[] = [];
  let previous: number | null = null; // the last significant token before the current position
  let kind: number = scanner.scan();
  const before = (offset: number) => kind !== TOKEN.EOF && scanner.getTokenOffset() < offset;
  for (const t of tokens) {
    for (; before(t.offset); kind = scanner.scan()) {
      if (trivia(kind)) continue;
      if (kind === TOKEN.OpenBrace || kind === TOKEN.OpenBracket) stack.push(kind);
      else if (kind === TOKEN.CloseBrace || kind === TOKEN.CloseBracket) stack.pop();
      previous = kind;
    }
    // The token itself (a quoted run may be several of the scanner's), then what follows it.
    while (before(t.offset + t.length)) kind = scanner.scan();
    while (trivia(kind)) kind = scanner.scan();
    const inArray = stack[stack.length - 1] === TOKEN.OpenBracket;
    const place = kind === TOKEN.Colon || previous === null || previous === TOKEN.Colon || previous === TOKEN.OpenBracket || (previous === TOKEN.Comma && inArray);
    out.push(place);
    // Replaced by a key or a value, it is one; a dropped token leaves what came before.
    if (place) previous = TOKEN.String;
  }
  return out;
}

/** How far on its line a closing quote is looked for (a bound, so that a file of many quotes is read in linear time). */
const QUOTED_MAX = 256;

/** The offset of `close` from `from` on, before the end of the line and within QUOTED_MAX characters; −1 when there is none. */
function closingQuote(json: string, from: number, close: string): number {
  const end = Math.min(json.length, from + QUOTED_MAX);
  for (let i = from; i < end; i++) {
    const c = json[i];
    if (c === close) return i;
    if (c === '\n' || c === '\r') return -1;
  }
  return -1;
}

/** Quotes JSON does not have, each with the one that closes its string. */
const CLOSING_QUOTE: Record<string, string> = { "'": "'", '`': '`', '\u2018': '\u2019', '\u2019': '\u2019', '\u201C': '\u201D', '\u201D': '\u201D' };

/** What the parser expects next while it recovers from an error: reported right after one, these are its echo. */
const FOLLOWERS = new Set(['PropertyNameExpected', 'ColonExpected', 'ValueExpected', 'CloseBraceExpected', 'CloseBracketExpected']);

/**
 * `errors` (in order of offset) without the recovery's echo of an error: a second error at the same
 * offset, and an expectation (FOLLOWERS) met right after the token of the error before it, with only
 * white space or comments between — `{"a": 1 2}` is one missing comma, not also a property name
 * expected at `2` and a value at `}`. A missing comma is always reported (in `[1 2 3]` each is one).
 */
function withoutFollowers(json: string, errors: readonly ParseError[]): ParseError[] {
  const kept: ParseError[] = [];
  for (const e of errors) {
    const last = kept[kept.length - 1];
    if (last && e.offset === last.offset) continue;
    if (last && FOLLOWERS.has(printParseErrorCode(e.error)) && e.offset >= last.offset + last.length && onlySpace(json.slice(last.offset + last.length, e.offset))) continue;
    kept.push(e);
  }
  return kept;
}

/** Whether text is white space and comments only. */
function onlySpace(text: string): boolean {
  return /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(text);
}

/**
 * The located diagnostic of jsonc-parser's error `e` in `json` (the text the parser read, offsets in
 * UTF-16 code units). Never throws; the message begins `invalid JSON: `.
 */
export function syntaxDiagnostic(json: string, e: ParseError): Diagnostic {
  const token = json.slice(e.offset, e.offset + e.length);
  const { message, offset, length } = describe(printParseErrorCode(e.error), token, e.offset, json);
  return { message: `invalid JSON: ${message}`, path: '', offset, length: Math.max(1, length), severity: 'error' };
}

interface Located {
  message: string;
  offset: number;
  length: number;
}

/** JSON's escapes, as a message lists them. */
const ESCAPES = '\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX';

function describe(code: string, token: string, offset: number, json: string): Located {
  const at = (message: string): Located => ({ message, offset, length: token.length });
  const found = token === '' ? (json.slice(offset).trim() === '' ? ' at the end of the file' : '') : `, found ${quote(token)}`;
  switch (code) {
    case 'InvalidSymbol':
      return invalidSymbol(token, offset, json);
    case 'InvalidCharacter':
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return stringFault(token, offset) ?? at(`${code === 'InvalidUnicode' ? 'invalid unicode escape' : code === 'InvalidCharacter' ? 'invalid character' : 'invalid escape character'} in ${quote(token)}`);
    case 'UnexpectedEndOfString':
      return at(`unterminated string ${quote(token)}: a string must close with " on the line it opens (a line break in a string is written \\n)`);
    case 'UnexpectedEndOfComment':
      return at(`unterminated comment ${quote(token)}: a /* comment ends with */`);
    case 'UnexpectedEndOfNumber':
      return at(`unterminated number ${quote(token)}: digits must follow its "." or its exponent's "e"`);
    case 'InvalidNumberFormat':
      return at(`malformed number ${quote(token)}`);
    case 'InvalidCommentToken':
      return at(`malformed comment ${quote(token)}`);
    case 'CommaExpected':
      return at(token === '' ? `a comma was expected${found}` : `a comma was expected before ${quote(token)}`);
    case 'ColonExpected':
      return at(token === '' ? `a colon was expected${found}` : `a colon was expected before ${quote(token)}`);
    case 'PropertyNameExpected':
      return at(`a property name in double quotes was expected${found}`);
    case 'ValueExpected':
      return at(`a value was expected${found}`);
    case 'CloseBraceExpected':
      return at(`a closing brace \`}\` was expected${found}`);
    case 'CloseBracketExpected':
      return at(`a closing bracket \`]\` was expected${found}`);
    case 'EndOfFileExpected':
      return at(`the file should end after its object${found}`);
    default:
      return at(`${code}${found}`);
  }
}

/** A run of characters the scanner could not read as a token: `'relu'`, `True`, `NaN`, a no-break space, a key without quotes. */
function invalidSymbol(token: string, offset: number, json: string): Located {
  const invisible = INVISIBLE.exec(token);
  if (invisible) return { message: `unexpected character ${codePoint(invisible[0])}`, offset: offset + invisible.index, length: invisible[0].length };
  let hint = '';
  if (token.startsWith("'")) hint = ': JSON strings are written in double quotes';
  else if (/^[`\u2018\u2019\u201C\u201D]/.test(token)) hint = ': JSON strings are written in straight double quotes, "…"';
  else if (/^(true|false|null)$/i.test(token)) hint = ': JSON writes true, false and null in lower case';
  else if (/^(None|nil|undefined)$/.test(token)) hint = ': JSON writes null';
  else if (/^[-+]?(NaN|Infinity|inf)$/i.test(token)) hint = ': JSON has no NaN or Infinity, only finite numbers';
  else if (/^[\p{L}_$][\p{L}\p{N}_$-]*$/u.test(token) && /^\s*:/.test(json.slice(offset + token.length))) hint = `: a property name is written in double quotes, "${token}"`;
  return { message: `unexpected ${quote(token)}${hint}`, offset, length: token.length };
}

/**
 * The first fault inside the string token `token` (from its opening quote): a control character, an
 * escape JSON has not, or a \u without four hexadecimal digits — located at it, so that a fault late
 * in a long string is shown, not the string's first characters. Null when none is found.
 */
function stringFault(token: string, offset: number): Located | null {
  for (let i = 1; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0x22 /* " */) return null;
    if (c < 0x20) {
      const escape = c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : `\\u${c.toString(16).padStart(4, '0')}`;
      return { message: `character ${codePoint(token[i])} in a string: write it as ${escape}`, offset: offset + i, length: 1 };
    }
    if (c !== 0x5c /* \ */) continue;
    const next = token[i + 1] ?? '';
    if (next !== '' && '"\\/bfnrt'.includes(next)) {
      i++;
      continue;
    }
    if (next === 'u') {
      const four = /^[^"]{0,4}/.exec(token.slice(i + 2, i + 6))![0];
      if (/^[0-9a-fA-F]{4}$/.test(four)) {
        i += 5;
        continue;
      }
      const shown = `\\u${four}`;
      return { message: `invalid escape ${quote(shown)} in a string: \\u takes four hexadecimal digits`, offset: offset + i, length: shown.length };
    }
    const shown = next === '' ? '\\' : `\\${String.fromCodePoint(token.codePointAt(i + 1)!)}`;
    return { message: `invalid escape ${quote(shown)} in a string: JSON's escapes are ${ESCAPES} (a backslash is written \\\\)`, offset: offset + i, length: shown.length };
  }
  return null;
}

/**
 * Characters a reader cannot see: controls, format characters (but the zero-width joiner inside an
 * emoji sequence), separators other than the space.
 */
const INVISIBLE = /(?!\u200D)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/u;
/** A token of invisible characters only (a no-break space where a space was meant): white space stands for it. */
const INVISIBLE_RUN = new RegExp(`^(?:${INVISIBLE.source})+$`, 'u');
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

const NAMES: Record<number, string> = {
  0x09: 'a tab',
  0x0a: 'a line feed',
  0x0d: 'a carriage return',
  0xa0: 'a no-break space',
  0x200b: 'a zero-width space',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
  0xfeff: 'a byte-order mark',
};

/** `U+00A0 (a no-break space)`: a character a message cannot show, by its code point. */
function codePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} (${NAMES[cp] ?? 'an invisible character'})`;
}

/** `text` in backticks as a message quotes it: an excerpt on one line, invisible characters escaped. */
function quote(text: string): string {
  // Cut, not `excerpt`: these quotes write every invisible character as <U+XXXX> (excerpt's \u001b
  // would read as the JSON escape the file might hold).
  const shown = cutText(text).replace(INVISIBLE_ALL, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    return cp === 10 ? '\\n' : cp === 13 ? '\\r' : cp === 9 ? '\\t' : `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
  return `\`${shown}\``;
}
