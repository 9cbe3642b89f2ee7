/** A problem found in an experiment file, located by character offset in the document text. */
export interface Diagnostic {
  /** The message, the same in the CLI and in VS Code's Problems panel. */
  message: string;
  /** The JSON path of the offending value (`learningRates.u`, `data.samples[2].x`), or '' for the whole file. */
  path: string;
  /** Offset (UTF-16 code units) and length of the offending text. */
  offset: number;
  length: number;
  severity: 'error' | 'warning';
}

/** Zero-based line and column (UTF-16 code units) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 /* \n */ || (ch === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart };
}

/** A diagnostic in the compiler style `FILE:LINE:COL: error: MESSAGE` (one-based line and column). */
export function formatDiagnostic(fileName: string, text: string, d: Diagnostic): string {
  const { line, column } = lineAndColumn(text, d.offset);
  return `${fileName}:${line + 1}:${column + 1}: ${d.severity}: ${d.message}`;
}

/** Appends `key` to a JSON path: `a.b`, `a[3]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Numbers as the user would write them: JavaScript's shortest round-trip text (`1e300`, not `1e+300`)
 * where it is at most 12 characters, else the shorter of that and the exponent form — `1.5e-8`,
 * `1.18870769771187e307`, but `56.2341325190349` rather than `5.62341325190349e1`.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const plain = String(x).replace('e+', 'e');
  if (plain.length <= 12) return plain;
  const exponent = x.toExponential().replace('e+', 'e');
  return exponent.length < plain.length ? exponent : plain;
}

/** Longest text echoed into a message as written (a key, a string value, a number's literal), in characters (code points). */
export const MAX_ECHOED_CHARACTERS = 48;

/**
 * Characters that act on a terminal or on the text around them rather than being seen: the C0
 * controls but the line feed and the tab (an escape clears a terminal's screen, a carriage return
 * writes over the line), DEL, the C1 controls (0x9B is an escape sequence by itself), the
 * bidirectional embeddings, overrides and isolates with the marks (U+202E reverses what follows it:
 * "evil" shown as "live" — the Trojan Source spoof), the line and paragraph separators (U+2028 broke a
 * panel's title in two), and the characters that show as nothing: the zero-width space, the word
 * joiner and invisible operators, the zero-width no-break space (U+FEFF). The zero-width joiner and
 * non-joiner stay: emoji sequences and several scripts are written with them.
 */
// eslint-disable-next-line no-control-regex -- matching the control characters is this expression's purpose
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `text` with every character of INVISIBLE_CONTROLS written as its escape (`\u001b`, as JSON writes
 * it): what a file says (a path, a key, a name) is shown to a person as written, and cannot act on the
 * terminal or turn the text around it. Line feeds and tabs are kept.
 */
export function visibleControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A name (a file's path) inside a one-line message: `visibleControls`, and its line feeds and tabs as
 * `\n` and `\t` (as JSON and the syntax errors' quotes write them) — a file system allows them, and a path with a line feed could start a line that looks
 * like one of flab's own (`error: …`).
 */
export function visibleName(text: string): string {
  return visibleControls(text).replace(/[\n\t]/g, (c) => (c === '\n' ? '\\n' : '\\t'));
}

/**
 * `text` as it may be echoed into a message: whole when at most `max` characters, else its first
 * `max` characters, an ellipsis and the full length, so that a 1 MB key makes a one-line message
 * (docs/limits.md, "Sizes and limits"). Characters are code points, so an emoji counts one, as the
 * editor shows it; the cut never splits a surrogate pair, and never leaves a combining mark, a
 * variation selector or a zero-width joiner without the character before it (it backs up to before
 * that character). Its control characters, line feeds and tabs are written as escapes (`visibleName`).
 */
export function excerpt(text: string, max = MAX_ECHOED_CHARACTERS): string {
  // Echoed into a one-line message: its control characters, line feeds and tabs as escapes (a key
  // holding a line feed started a line that looked like one of flab's own errors).
  return visibleName(cutText(text, max));
}

/** `text` cut as `excerpt` cuts it, nothing escaped: for a quote that writes its characters its own way (a syntax error's). */
export function cutText(text: string, max = MAX_ECHOED_CHARACTERS): string {
  if (text.length <= max) return text;
  let cut = 0;
  let kept = 0;
  while (kept < max && cut < text.length) {
    cut += isPairAt(text, cut) ? 2 : 1;
    kept++;
  }
  if (cut >= text.length) return text;
  // Back up over a cluster the cut would split, by at most MAX_CLUSTER characters: text that is all
  // marks is cut where it is.
  for (let back = cut, backKept = kept; backKept > 0 && kept - backKept <= MAX_CLUSTER; backKept--) {
    if (!splitsCluster(text, back)) {
      cut = back;
      kept = backKept;
      break;
    }
    back -= back >= 2 && isPairAt(text, back - 2) ? 2 : 1;
  }
  return `${text.slice(0, cut)}… (${kept + countCharacters(text, cut)} characters)`;
}

/** The most characters the cut of `excerpt` backs up to keep a cluster whole (an emoji family is 7). */
const MAX_CLUSTER = 16;
/** Characters that belong to the one before them: combining marks (variation selectors among them) and a zero-width joiner. */
const JOINS_PREVIOUS = /^(?:\p{M}|\u200D)/u;
/** A zero-width joiner joins the character after it to the one before. */
const JOINS_NEXT = /\u200D$/u;

/** Whether a cut at UTF-16 index `i` separates a character from the one it joins. */
function splitsCluster(text: string, i: number): boolean {
  return JOINS_PREVIOUS.test(charAt(text, i)) || JOINS_NEXT.test(charBefore(text, i));
}

function isPairAt(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  const lo = text.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

function charAt(text: string, i: number): string {
  return text.slice(i, isPairAt(text, i) ? i + 2 : i + 1);
}

function charBefore(text: string, i: number): string {
  return text.slice(i >= 2 && isPairAt(text, i - 2) ? i - 2 : i - 1, i);
}

/** Code points of `text` from `from` on (a surrogate pair counts one). */
export function countCharacters(text: string, from = 0): number {
  let n = 0;
  for (let i = from; i < text.length; i++, n++) if (isPairAt(text, i)) i++;
  return n;
}

/** Words longer than this get no suggestion: no key or value of the format is half as long. */
const MAX_SUGGESTED_WORD = 64;

/**
 * `— did you mean `x`?` for the nearest candidate within a small edit distance, else ''.
 * Bounded: words over MAX_SUGGESTED_WORD characters, and candidates whose length alone puts them
 * out of reach, are not compared. A word written with non-ASCII look-alikes of ASCII letters
 * (`lookAlikes`: Cyrillic `о` in `mоdel`, a full-width letter, a zero-width space) is compared as the
 * ASCII word it looks like, and the suggestion names each look-alike with its code point:
 * `— did you mean `model`? (`mоdel` is not ASCII: its `о` is U+043E CYRILLIC SMALL LETTER O, a look-alike of `o`)`.
 * The suggested word is always the first one quoted (callers read it back so).
 */
export function didYouMean(word: string, candidates: string[]): string {
  const best = nearestWord(word, candidates);
  if (best === '') return '';
  return ` — did you mean \`${best}\`?${lookAlikeNote(word)}`;
}

/**
 * The candidate `didYouMean` suggests for `word` (the nearest within a small edit distance, compared
 * without case and with look-alikes read as the ASCII they look like), or ''.
 */
export function nearestWord(word: string, candidates: string[]): string {
  if (word.length > MAX_SUGGESTED_WORD) return '';
  const ascii = lookAlikes(word).ascii.toLowerCase();
  const limit = Math.max(2, Math.floor(ascii.length / 3));
  let best = '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (Math.abs(c.length - ascii.length) > limit) continue;
    const d = editDistance(ascii, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== '' && bestDistance <= limit ? best : '';
}

/**
 * Characters that look like an ASCII letter or a space, or like nothing at all, and are not ASCII:
 * code point, what it looks like ('' for an invisible one), its Unicode name. The Cyrillic and Greek
 * letters drawn as Latin ones, dotless i, Latin alpha and script g, the wide and narrow spaces, and
 * the invisible characters (zero-width space, joiners, word joiner, zero-width no-break space, soft
 * hyphen). Full-width and mathematical letters are read by their compatibility form (`lookAlikes`).
 */
const LOOK_ALIKES: ReadonlyMap<number, readonly [string, string]> = new Map(
  (
    [
  [0x0430, 'a', 'CYRILLIC SMALL LETTER A'],
  [0x0435, 'e', 'CYRILLIC SMALL LETTER IE'],
  [0x043e, 'o', 'CYRILLIC SMALL LETTER O'],
  [0x0440, 'p', 'CYRILLIC SMALL LETTER ER'],
  [0x0441, 'c', 'CYRILLIC SMALL LETTER ES'],
  [0x0445, 'x', 'CYRILLIC SMALL LETTER HA'],
  [0x0443, 'y', 'CYRILLIC SMALL LETTER U'],
  [0x0456, 'i', 'CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I'],
  [0x0458, 'j', 'CYRILLIC SMALL LETTER JE'],
  [0x0455, 's', 'CYRILLIC SMALL LETTER DZE'],
  [0x04bb, 'h', 'CYRILLIC SMALL LETTER SHHA'],
  [0x0501, 'd', 'CYRILLIC SMALL LETTER KOMI DE'],
  [0x051b, 'q', 'CYRILLIC SMALL LETTER QA'],
  [0x051d, 'w', 'CYRILLIC SMALL LETTER WE'],
  [0x04cf, 'l', 'CYRILLIC SMALL LETTER PALOCHKA'],
  [0x0410, 'A', 'CYRILLIC CAPITAL LETTER A'],
  [0x0412, 'B', 'CYRILLIC CAPITAL LETTER VE'],
  [0x0415, 'E', 'CYRILLIC CAPITAL LETTER IE'],
  [0x041a, 'K', 'CYRILLIC CAPITAL LETTER KA'],
  [0x041c, 'M', 'CYRILLIC CAPITAL LETTER EM'],
  [0x041d, 'H', 'CYRILLIC CAPITAL LETTER EN'],
  [0x041e, 'O', 'CYRILLIC CAPITAL LETTER O'],
  [0x0420, 'P', 'CYRILLIC CAPITAL LETTER ER'],
  [0x0421, 'C', 'CYRILLIC CAPITAL LETTER ES'],
  [0x0422, 'T', 'CYRILLIC CAPITAL LETTER TE'],
  [0x0425, 'X', 'CYRILLIC CAPITAL LETTER HA'],
  [0x0423, 'Y', 'CYRILLIC CAPITAL LETTER U'],
  [0x0406, 'I', 'CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I'],
  [0x0408, 'J', 'CYRILLIC CAPITAL LETTER JE'],
  [0x0405, 'S', 'CYRILLIC CAPITAL LETTER DZE'],
  [0x051a, 'Q', 'CYRILLIC CAPITAL LETTER QA'],
  [0x051c, 'W', 'CYRILLIC CAPITAL LETTER WE'],
  [0x03bf, 'o', 'GREEK SMALL LETTER OMICRON'],
  [0x03b1, 'a', 'GREEK SMALL LETTER ALPHA'],
  [0x03bd, 'v', 'GREEK SMALL LETTER NU'],
  [0x03c1, 'p', 'GREEK SMALL LETTER RHO'],
  [0x03b9, 'i', 'GREEK SMALL LETTER IOTA'],
  [0x03ba, 'k', 'GREEK SMALL LETTER KAPPA'],
  [0x03c5, 'u', 'GREEK SMALL LETTER UPSILON'],
  [0x03c4, 't', 'GREEK SMALL LETTER TAU'],
  [0x03c7, 'x', 'GREEK SMALL LETTER CHI'],
  [0x03b5, 'e', 'GREEK SMALL LETTER EPSILON'],
  [0x0391, 'A', 'GREEK CAPITAL LETTER ALPHA'],
  [0x0392, 'B', 'GREEK CAPITAL LETTER BETA'],
  [0x0395, 'E', 'GREEK CAPITAL LETTER EPSILON'],
  [0x0396, 'Z', 'GREEK CAPITAL LETTER ZETA'],
  [0x0397, 'H', 'GREEK CAPITAL LETTER ETA'],
  [0x0399, 'I', 'GREEK CAPITAL LETTER IOTA'],
  [0x039a, 'K', 'GREEK CAPITAL LETTER KAPPA'],
  [0x039c, 'M', 'GREEK CAPITAL LETTER MU'],
  [0x039d, 'N', 'GREEK CAPITAL LETTER NU'],
  [0x039f, 'O', 'GREEK CAPITAL LETTER OMICRON'],
  [0x03a1, 'P', 'GREEK CAPITAL LETTER RHO'],
  [0x03a4, 'T', 'GREEK CAPITAL LETTER TAU'],
  [0x03a5, 'Y', 'GREEK CAPITAL LETTER UPSILON'],
  [0x03a7, 'X', 'GREEK CAPITAL LETTER CHI'],
  [0x0131, 'i', 'LATIN SMALL LETTER DOTLESS I'],
  [0x0251, 'a', 'LATIN SMALL LETTER ALPHA'],
  [0x0261, 'g', 'LATIN SMALL LETTER SCRIPT G'],
  [0x00a0, ' ', 'NO-BREAK SPACE'],
  [0x2007, ' ', 'FIGURE SPACE'],
  [0x202f, ' ', 'NARROW NO-BREAK SPACE'],
  [0x3000, ' ', 'IDEOGRAPHIC SPACE'],
  [0x2002, ' ', 'EN SPACE'],
  [0x2003, ' ', 'EM SPACE'],
  [0x2009, ' ', 'THIN SPACE'],
  [0x200b, '', 'ZERO WIDTH SPACE'],
  [0x200c, '', 'ZERO WIDTH NON-JOINER'],
  [0x200d, '', 'ZERO WIDTH JOINER'],
  [0x2060, '', 'WORD JOINER'],
  [0xfeff, '', 'ZERO WIDTH NO-BREAK SPACE'],
  [0x00ad, '', 'SOFT HYPHEN'],
    ] as const
  ).map(([code, ascii, name]) => [code, [ascii, name]] as const),
);

/** A non-ASCII character of a word that reads as ASCII: the character, its code point (`U+043E`), its name or what it is, and the ASCII it looks like ('' for an invisible one). */
export interface LookAlike {
  char: string;
  codePoint: string;
  name: string;
  ascii: string;
}

/**
 * `word` as the ASCII it looks like, and each distinct non-ASCII look-alike in it, in order: the
 * characters of LOOK_ALIKES, and those whose compatibility form (NFKC) is ASCII — full-width letters
 * (`ｏ`, U+FF4F), mathematical letters (`𝐨`), ligatures (`ﬁ`) — named by their code point and the
 * ASCII they stand for. Other characters are kept as they are. Bounded by the word's length.
 */
export function lookAlikes(word: string): { ascii: string; found: LookAlike[] } {
  let ascii = '';
  const found: LookAlike[] = [];
  // eslint-disable-next-line no-control-regex -- ASCII is the range the look-alikes are told apart from
  if (!/[^\u0000-\u007f]/.test(word)) return { ascii: word, found };
  for (const char of word) {
    const code = char.codePointAt(0)!;
    const known = LOOK_ALIKES.get(code);
    const compatible = known ? undefined : code > 0x7f ? char.normalize('NFKC') : undefined;
    const stands = known ? known[0] : compatible !== undefined && /^[\x21-\x7e]+$/.test(compatible) ? compatible : undefined;
    if (stands === undefined) {
      ascii += char;
      continue;
    }
    ascii += stands;
    if (found.some((f) => f.char === char)) continue;
    const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    const name = known ? known[1] : code >= 0xff01 && code <= 0xff5e ? 'a full-width form' : 'a compatibility form';
    found.push({ char, codePoint, name, ascii: stands });
  }
  return { ascii, found };
}

/**
 * ` (`mоdel` is not ASCII: its `о` is U+043E CYRILLIC SMALL LETTER O, a look-alike of `o`)` for a word
 * with look-alikes (`lookAlikes`), else ''. Each look-alike is echoed as `excerpt` echoes text, an
 * invisible one or a space as its escape (`\u200b`, `\u00a0`).
 */
export function lookAlikeNote(word: string): string {
  const { found } = lookAlikes(word);
  if (found.length === 0) return '';
  const shown = found.slice(0, MAX_LOOK_ALIKES_TOLD);
  const each = shown.map((f) => {
    const what = f.ascii === '' ? 'invisible' : f.ascii === ' ' ? 'a look-alike of a space' : `a look-alike of \`${f.ascii}\``;
    const named = f.name.startsWith('a ') ? `${f.codePoint}, ${f.name} of \`${f.ascii}\`` : `${f.codePoint} ${f.name}, ${what}`;
    // An invisible character or a space is shown as its escape, as JSON writes it: seen, not guessed at.
    const seen = f.ascii === '' || f.ascii === ' ' ? `\\u${f.codePoint.slice(2).toLowerCase()}` : excerpt(f.char);
    return `\`${seen}\` is ${named}`;
  });
  const more = found.length > shown.length ? `, and ${countOf(found.length - shown.length, 'other')}` : '';
  return ` (\`${excerpt(word)}\` is not ASCII: its ${each.join('; its ')}${more})`;
}

/** Look-alikes named one by one in a note; more are counted. */
const MAX_LOOK_ALIKES_TOLD = 4;

/**
 * `didYouMean` for a value of a key that takes a few words (an enum): also the word's stem when it is
 * not a misspelling but another form of a candidate — `"classification"` for `classes`, `"regress"`
 * for `regression`, `"kaiming_normal"` for `kaiming`: the one candidate that shares the longest start
 * with the word, of at least MIN_SHARED_START characters (or all of the shorter of the two, from 3).
 * Not for keys, where a longer key is another key (`learningRateSchedule` is not `learningRate`).
 */
export function didYouMeanValue(word: string, candidates: string[]): string {
  const near = didYouMean(word, candidates);
  if (near || word.length > MAX_SUGGESTED_WORD) return near;
  const w = word.toLowerCase();
  let best = '';
  let bestShared = 0;
  let tie = false;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    let shared = 0;
    while (shared < w.length && shared < lc.length && w[shared] === lc[shared]) shared++;
    if (shared < Math.min(MIN_SHARED_START, w.length, lc.length) || shared < 3) continue;
    if (shared === bestShared) tie = true;
    if (shared > bestShared) [best, bestShared, tie] = [c, shared, false];
  }
  return best !== '' && !tie ? ` — did you mean \`${best}\`?` : '';
}

/** Characters a word and a value share at their start for `didYouMeanValue` to take one for the other. */
const MIN_SHARED_START = 4;

function editDistance(a: string, b: string): number {
  // Damerau–Levenshtein (optimal string alignment): a transposed pair counts as one edit.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * A bound for a message's remedy ("give at most …", "at least …"), to two significant digits, that
 * satisfies `ok`: the nearest such number to `target`, moved one step inward (down for `atMost`, up
 * for `atLeast`) when rounding put it on the wrong side — so that the value a message offers, written
 * back, is accepted. `target` is finite and > 0.
 */
export function formatBound(target: number, side: 'atMost' | 'atLeast', ok: (x: number) => boolean): string {
  const [m, e] = target.toExponential(1).split('e');
  let mantissa = Math.round(Number(m) * 10);
  let exponent = Number(e);
  const value = () => Number(`${mantissa / 10}e${exponent}`);
  for (let step = 0; step < 3 && !ok(value()); step++) {
    mantissa += side === 'atMost' ? -1 : 1;
    if (mantissa < 10) [mantissa, exponent] = [99, exponent - 1];
    if (mantissa > 99) [mantissa, exponent] = [10, exponent + 1];
  }
  return formatNumber(value());
}

/**
 * A value over a limit and the limit, as a refusal prints them (`about 3.04e12 multiply-adds, over the
 * limit of 3e12`): each written by `format` to `digits` significant digits, from two on, and to one more
 * at a time while the two texts are alike — rounded alike, a value just over its limit read as the
 * limit itself ("about 3e12 … over the limit of 3e12"). `format` rounds monotonically (a larger number
 * never prints smaller), so texts that differ read as over; `value` > `limit`.
 */
export function overLimit(value: number, limit: number, format: (x: number, digits: number) => string): { value: string; limit: string; digits: number } {
  for (let digits = 2; ; digits++) {
    const v = format(value, digits);
    const l = format(limit, digits);
    if (v !== l || digits >= 17) return { value: v, limit: l, digits };
  }
}

/**
 * `overLimit` of numbers given by their natural logarithms (`formatLn`), beyond the 64-bit range too:
 * "about 1.8e308, beyond the range of 64-bit numbers (1.8e308)" becomes 1.8e308 against 1.7977e308.
 */
export function lnOverLimit(ln: number, lnLimit: number): { value: string; limit: string; digits: number } {
  return overLimit(ln, lnLimit, formatLn);
}

/** `overLimit` of sizes in bytes: `formatBytes`' short form, with the exact counts when the short forms are alike (`64 MiB (67,109,000 bytes)`). */
export function bytesOverLimit(value: number, limit: number): { value: string; limit: string; digits: number } {
  // Whole bytes (an estimate may be fractional): rounded up, a value over its limit stays over it.
  return overLimit(Math.ceil(value), Math.ceil(limit), (x, digits) => formatBytes(x, digits > 2));
}

/**
 * An integer with thousands separators for a message: 47,040,000 (without Intl, whose first use costs
 * ~60 ms); from 10²¹, where JavaScript writes `1e+21`, as a power of ten (`powerOfTen`: 6.4·10²⁸, the
 * features of a header's dimensions multiplied).
 */
export function formatCount(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return powerOfTen(n);
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) text += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${text}` : text;
}

/** `its one value`, `each of its 2 values`, `each of its 1,000 values`: what is done once per item of a count. */
export function eachOf(n: number, noun: string, plural = `${noun}s`): string {
  return n === 1 ? `its one ${noun}` : `each of its ${formatCount(n)} ${plural}`;
}

/** `1 record`, `2 records`, `10,000 records` (`plural` for nouns that do not take an s). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

/** The binary units of `formatBytes`, up to the quebibyte (2¹⁰⁰ bytes, the largest prefix there is). */
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB', 'RiB', 'QiB'];

/**
 * A size in bytes for a message: `64 MiB`, `1.5 GiB`; below 1 KiB `512 bytes`. With `exact`, the
 * count follows the short form: `188 MiB (196,000,000 bytes)`, a count beyond 2⁵³ (which float64
 * cannot hold exactly: a data file's header may declare any size) to two digits: `12.6 QiB (1.6·10³¹
 * bytes)`. From 1,024 QiB on no unit helps: `1·10⁴⁰ bytes`.
 */
export function formatBytes(n: number, exact = false): string {
  if (n < 1024) return countOf(n, 'byte');
  if (!Number.isFinite(n)) return 'more bytes than a 64-bit number holds (1.8·10³⁰⁸)';
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (v >= 1024) return `${powerOfTen(n)} bytes`;
  const short = `${v >= 100 ? v.toFixed(0) : String(Number(v.toFixed(1)))} ${BYTE_UNITS[u]}`;
  return exact ? `${short} (${Number.isSafeInteger(n) ? formatCount(n) : powerOfTen(n)} bytes)` : short;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** An integer in superscript digits: −4 → ⁻⁴ (the figures' decades, 10⁻⁴, and `powerOfTen`). */
export function superscript(n: number): string {
  return String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/** A number to two significant digits as a power of ten, as the messages write one: `1.6·10³¹`, `1·10⁴⁰`. */
export function powerOfTen(x: number): string {
  const [mantissa, exponent] = x.toExponential(1).split('e');
  return `${Number(mantissa)}·10${superscript(Number(exponent))}`;
}

/**
 * A number given by its natural logarithm, as a user would write it, to `digits` significant digits
 * (two: `2.4e308`, beyond the 64-bit range too; `0.0012`); `Infinity` for ln = +∞ and `0` for −∞.
 */
export function formatLn(ln: number, digits = 2): string {
  if (!Number.isFinite(ln)) return ln > 0 ? 'Infinity' : '0';
  const x = Math.exp(ln);
  // (Rounded up, a number near the largest 64-bit one is Infinity: written from its logarithm instead.)
  const rounded = Number(x.toPrecision(digits));
  if (Number.isFinite(rounded) && x >= 1e-300) return formatNumber(rounded).replace('e+', 'e');
  const decimal = ln / Math.LN10;
  let exponent = Math.floor(decimal);
  let mantissa = Number(Math.pow(10, decimal - exponent).toPrecision(digits));
  if (mantissa >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  return `${mantissa}e${exponent}`;
}
