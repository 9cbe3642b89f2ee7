/**
 * CSV files (docs/networks.md, "Data", "CSV"): one sample per line, feature columns and label
 * column(s), an optional header line. Numbers are decimal (`-1.5`, `.5`, `2e-3`), finite and within
 * float32's range; anything else in a feature column is an error at its line and column. Read as a
 * stream: the first N samples stop the reading.
 */
import { BEYOND_FLOAT32, countOf, DataError, DataLocation, formatCount, joinPath } from './dataError';
import { DataFileRef, withDataFile } from './dataFile';
import { formatShape } from './dataLimits';
import { CsvColumn, DataTask } from './dataSpec';
import { CsvRow, CsvSyntaxError, CsvTokenizer } from './csvTokenizer';
import { RawClasses, RawRegression, RawSplit, ReadContext } from './rawSplit';
import { randomIndices } from './subset';
import { CIFAR10_RECORD_BYTES } from './cifar10';
import { guessFormat, guessSaid } from './formatGuess';
import { firstControlByte, firstNonUtf8, hexByte, singleByteCharacter, utf8SequenceLength } from '../../experiment/textBytes';
import { excerpt } from '../../experiment/diagnostic';

/** How to read a CSV file, as the spec says (defaults applied). */
export interface CsvReadOptions {
  delimiter: string;
  /** Undefined: decided by the first line (and when needed the second: `firstLineIsHeader`). */
  header: boolean | undefined;
  label: CsvColumn[];
  /** The JSON path of each label column in the spec (`data.label`, `data.label[1]`). */
  labelKeys: string[];
  task: DataTask;
  /** Samples to keep (undefined: all), and the seed of a random subset. */
  asked: number | undefined;
  seed: number | undefined;
  /** `training`, `test`. */
  what: string;
  /** The spec's JSON path (`data`), for errors about `label` and `train`/`test`. */
  specPath: string;
  /** The training file's columns, which a test file must repeat. */
  expect?: CsvLayout;
  /** A test file will be read after this training file (its classes are not known here). */
  testFollows?: boolean;
}

/** The columns of a CSV file. */
export interface CsvLayout {
  file: string;
  fieldCount: number;
  /** Column names when the file has a header. */
  header: string[] | undefined;
  /**
   * How many leading columns are a row index, left out of the features (`rowIndexColumns`): a header
   * line's first names empty, or pandas' `Unnamed: 0`, as pandas and R write their row labels.
   */
  rowIndex: number;
}

/** A split read from CSV, with its layout. */
export interface CsvSplit {
  split: RawSplit;
  layout: CsvLayout;
  /**
   * When the first line is pandas' default column names (`0,1,…,m−1`, `pandasColumnNumbers`) read as a
   * sample (the header guessed, over whole numbers) in a classification: its label's value, whether no
   * other line of this file has it (known only when every line was read: else false), and where its
   * label is, for the refusal when no line of either split has it (`pandasNamesRefusal`).
   */
  namesLine?: { label: number; text: string; alone: boolean; key: string; location: DataLocation; next: string };
  /**
   * When the first line is pandas' default column names without the index's (`0,1,…,m−1`) and the
   * header was guessed from the next line (`pandasNamesGuess`): whether it was read as the header, and
   * the two lines (excerpts), for the data line to say what was guessed.
   */
  namesGuess?: { header: boolean; first: string; next: string };
}

/** Stops the reading once enough rows are kept (caught by the reader loop, never seen outside). */
class EnoughRows extends Error {}

const SPACE = 0x20;
const TAB = 0x09;

/**
 * Why the first bytes of a file are not CSV text, or null: the first byte among the first 4 KiB that
 * no UTF-8 text file has — a NUL, another control character than tab, line feed, form feed or carriage
 * return, or a byte that is not UTF-8 — with the format the file looks like. Else the header check or
 * a field's message would quote the binary bytes back. `complete`: `bytes` is the whole file (a
 * character cut at the end of a longer file's first block is not an error).
 */
function binaryStart(bytes: Uint8Array, complete: boolean, size: number | undefined): { message: string; offset: number } | null {
  const head = bytes.subarray(0, 4096);
  const whole = complete && head.length === bytes.length;
  const control = firstControlByte(head);
  const nonUtf8 = firstNonUtf8(head, whole);
  const at = control < 0 ? nonUtf8 : nonUtf8 < 0 ? control : Math.min(control, nonUtf8);
  if (at < 0) return null;
  const format = guessFormat(head, ['text']);
  const guess =
    format ? `: ${guessSaid(format)}`
    : head[0] <= 9 && size !== undefined && size > 0 && size % CIFAR10_RECORD_BYTES === 0 ? `: it looks like a CIFAR-10 binary batch (${countOf(size / CIFAR10_RECORD_BYTES, 'record')} of 1 + 3,072 bytes; use "format": "cifar10")`
    : '';
  const hex = hexByte(head[at]);
  if (at === nonUtf8 && control < 0 && guess === '' && whole && utf8SequenceLength(head[at]) > head.length - at && head.subarray(at + 1).every((b) => (b & 0xc0) === 0x80)) {
    return { message: `expected a CSV text file in UTF-8, found its last character cut (byte ${formatCount(at)} is ${hex}, the first byte of a ${utf8SequenceLength(head[at])}-byte character, and the file ends after ${countOf(head.length - at, 'byte')} of it): truncated`, offset: at };
  }
  if (at === nonUtf8 && control < 0 && guess === '' && mostlyAscii(head)) {
    // Text with no control character, mostly ASCII, with a byte that is not UTF-8: text saved in a
    // single-byte encoding (an é of Latin-1 or Windows-1252), not a binary file.
    const c = singleByteCharacter(head[at]);
    const meaning = c === undefined ? '' : `; in ${c.encodings} it is "${c.character}"`;
    return { message: `expected a CSV text file in UTF-8, found text in another encoding (byte ${formatCount(at)} is ${hex}, which UTF-8 text does not have there${meaning}): save the file as UTF-8`, offset: at };
  }
  return { message: `expected a CSV text file (UTF-8), found a binary one (byte ${formatCount(at)} is ${hex})${guess}`, offset: at };
}

/**
 * The bytes of a character that `tail` (the same of the blocks before) and `block` end inside, from
 * its first byte: empty when the last character is whole. Only well-formed text reaches here.
 */
function unfinishedCharacter(tail: Uint8Array, block: Uint8Array): Uint8Array {
  const b = block.length >= 4 ? block : Uint8Array.from([...tail, ...block]);
  for (let i = b.length - 1; i >= Math.max(0, b.length - 3); i--) {
    const size = utf8SequenceLength(b[i]);
    if (size >= 2) return i + size > b.length ? b.slice(i) : new Uint8Array(0);
    if (size === 1) return new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/**
 * Where the text that the UTF-8 decoder refused in a block, `base` bytes into the file, stops being
 * UTF-8, and the message: the byte, and what it is in a single-byte encoding (as `binaryStart` says
 * it of the first 4 KiB). `tail`: the unfinished character the blocks before ended inside, where the
 * fault may be (an E6 as the last byte of a block, followed by no continuation byte).
 */
function notUtf8(tail: Uint8Array, block: Uint8Array, base: number): { message: string; offset: number } {
  const said = (bytes: Uint8Array, at: number, offset: number) => {
    const c = singleByteCharacter(bytes[at]);
    return { message: `expected a CSV text file in UTF-8, found text in another encoding (byte ${formatCount(offset)} is ${hexByte(bytes[at])}, which UTF-8 text does not have there${c ? `; in ${c.encodings} it is "${c.character}"` : ''}): save the file as UTF-8`, offset };
  };
  let bytes = block;
  let start = base;
  if (tail.length) {
    // The character the blocks before began, completed by this block's first bytes.
    const rest = utf8SequenceLength(tail[0]) - tail.length;
    const first = Uint8Array.from([...tail, ...block.subarray(0, rest)]);
    const at = firstNonUtf8(first, true);
    if (at >= 0) return said(first, at, base - tail.length + at);
    bytes = block.subarray(rest);
    start = base + rest;
  }
  const at = firstNonUtf8(bytes, false);
  return at >= 0 ? said(bytes, at, start + at) : { message: 'expected a CSV text file in UTF-8, found bytes that are not UTF-8: save the file as UTF-8', offset: base };
}

/**
 * What a first line that is no CSV line is, for a message about the columns: Excel's `sep=;` (the
 * delimiter, for Excel alone) or a comment (`# …`, which CSV has not); '' otherwise.
 */
function notACsvLine(fields: readonly string[], delimiter: string): string {
  const line = fields.join(delimiter).trim();
  const sep = /^sep=(.)$/i.exec(line);
  if (sep) return ` — the first line, ${JSON.stringify(line)}, is Excel's note of the delimiter, not CSV: remove it${sep[1] === delimiter ? '' : `, and set "delimiter": ${JSON.stringify(sep[1])}`}`;
  if (line.startsWith('#')) return ` — the first line starts with "#": CSV has no comment lines, remove it`;
  return '';
}

/**
 * What a field that is no number may be meant as, for the message: a minus sign that is not the
 * hyphen-minus (U+2212, as word processors write it), a decimal comma (`0,5` in a file whose fields
 * a semicolon or tab separates, or quoted) or a thousands separator (`1,000`, `1 000`); '' otherwise.
 */
export function numberHint(field: string): string {
  const t = field.trim();
  const code = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (/^[\u2212\u2012\u2013\u2014\ufe63\uff0d]\s*[\d.]/.test(t) && !Number.isNaN(parseDecimal(`-${t.slice(1)}`))) return ` — its minus sign is ${code(t)}, not "-": write it with "-"`;
  if (/^[-+]?\d+([,\u00a0\u202f ]\d+)+(\.\d*)?$/.test(t)) return ' — a decimal comma, or a thousands separator? Write numbers with a decimal point and no separator (0.5, 1000)';
  if (/^[-+]\s+[\d.]/.test(t) && !Number.isNaN(parseDecimal(t[0] + t.slice(1).trim()))) return ` — a space between the sign and the digits: write ${t[0]}${t.slice(1).trim()}`;
  // Characters that look like a space or a digit and are neither to the reader (a message quoting them shows a space, a digit).
  const space = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/.exec(field);
  if (space) return ` — it holds ${code(space[0])} (${space[0] === '\u00a0' ? 'a no-break space' : space[0] === '\ufeff' || space[0] === '\u200b' ? 'an invisible character' : 'a Unicode space'}), which is no space or tab: write the number without it`;
  const fullwidth = /[\uff0b\uff0e\uff10-\uff19\uff45\uff25]/.exec(field);
  if (fullwidth) return ` — it holds fullwidth characters (${code(fullwidth[0])} "${fullwidth[0]}"): write the number in ASCII digits`;
  return '';
}

/** At least three quarters of the bytes are printable ASCII, tabs or line breaks (text, even in another encoding than UTF-8). */
function mostlyAscii(b: Uint8Array): boolean {
  let ascii = 0;
  for (const c of b) if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d) ascii++;
  return ascii * 4 >= b.length * 3;
}

/** Delimiters a CSV file may use instead of the one read with: the character, its name, as the spec writes it. */
const OTHER_DELIMITERS: ReadonlyArray<readonly [string, string, string]> = [
  [';', 'semicolons', '";"'],
  ['\t', 'tabs', '"\\t"'],
  [',', 'commas', '","'],
];

/**
 * A hint for a problem with the columns when the first line holds another delimiter than `delimiter`
 * (the one it holds most of): ` — the first line holds semicolons: if they separate the fields, set
 * "delimiter": ";"`. A semicolon- or tab-separated file read with commas is one column.
 */
function delimiterHint(fields: readonly string[], delimiter: string): string {
  let best: (typeof OTHER_DELIMITERS)[number] | undefined;
  let most = 0;
  for (const d of OTHER_DELIMITERS) {
    if (d[0] === delimiter) continue;
    let n = 0;
    for (const f of fields) n += f.split(d[0]).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best ? ` — the first line holds ${best[1]}: if they separate the fields, set "delimiter": ${best[2]}` : '';
}

/**
 * The value of a field that is a decimal number (surrounding spaces and tabs allowed), else NaN.
 * Stricter than `Number()`, which also takes '' (as 0), hexadecimal, binary, octal and 'Infinity'.
 */
export function parseDecimal(s: string): number {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === SPACE || s.charCodeAt(a) === TAB)) a++;
  while (b > a && (s.charCodeAt(b - 1) === SPACE || s.charCodeAt(b - 1) === TAB)) b--;
  let i = a;
  let c = s.charCodeAt(i);
  if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= 0x30 && c <= 0x39) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 0x2e) {
    c = s.charCodeAt(++i);
    while (c >= 0x30 && c <= 0x39) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return NaN;
  if (c === 0x65 || c === 0x45) {
    c = s.charCodeAt(++i);
    if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
    let exponent = 0;
    while (c >= 0x30 && c <= 0x39) {
      exponent++;
      c = s.charCodeAt(++i);
    }
    if (exponent === 0) return NaN;
  }
  if (i !== b) return NaN;
  // Number() itself skips the surrounding spaces and tabs.
  return Number(s);
}

/** What a field of a first line is, for the header guess: a decimal number, a value that is no decimal number, nothing, or a name. */
export type FieldKind = 'number' | 'value' | 'blank' | 'name';

/** Spellings of a missing value that R, pandas, spreadsheets or Python write (any case). */
const MISSING_WORDS = new Set(['nan', 'na', 'n/a', '#n/a', '<na>', 'null', 'none', '?']);

/** Spellings of a missing or non-finite value (any case, with or without a sign): no column's name. */
const VALUE_WORDS = new Set([...MISSING_WORDS, 'inf', 'infinity']);

/** Whether `s` spells a missing value (`NA`, `NaN`, `N/A`, `#N/A`, `<NA>`, `null`, `None`, `?`; any case, spaces around). */
export function spellsMissingValue(s: string): boolean {
  return MISSING_WORDS.has(s.trim().toLowerCase());
}

/**
 * What a field is when the header is guessed (docs/networks.md, "CSV"): `number` when a decimal number
 * (`parseDecimal`; `1e39` too, refused later for its range); `blank` when empty or spaces; `value` when
 * it spells a number or a missing value some reader takes — `NaN`, `inf`, `Infinity`, hexadecimal,
 * octal or binary (`0x10`, `0o7`, `0b1`), `NA`, `N/A`, `#N/A`, `<NA>`, `null`, `None`, `?`; else a `name`.
 */
export function fieldKind(s: string): FieldKind {
  const t = s.trim();
  if (t === '') return 'blank';
  if (!Number.isNaN(parseDecimal(t))) return 'number';
  const unsigned = t.charCodeAt(0) === 0x2b || t.charCodeAt(0) === 0x2d ? t.slice(1) : t;
  if (VALUE_WORDS.has(unsigned.toLowerCase()) || /^0(x[0-9a-f]+|o[0-7]+|b[01]+)$/i.test(unsigned)) return 'value';
  return 'name';
}

/**
 * Whether the first line of a CSV file names the columns, when the spec does not say (`header`
 * undefined; docs/networks.md, "CSV"). A header only when the line plainly is one, so that a sample
 * with a bad field is an error at that field, as on any other line, rather than dropped as a header:
 * - a label column given by name, and the line holds that name: a header;
 * - pandas' default names `0,1,…,m−1` (`pandasColumnNumbers`): after the index's empty name, a header;
 *   alone, `'pandas names'` (the next line tells: `pandasNamesGuess`), in a test file a header only
 *   under the training file's own;
 * - its feature fields (every field, when a label name is not in the line) are names, or names and
 *   blanks (pandas writes its index column's name empty): a header;
 * - its feature fields are the first, all blank, and its label fields names: a row index and labels
 *   alone (`,label`: pandas' `Series.to_csv`), a header — refused for its lack of features;
 * - a feature field is a number or a value (`fieldKind`), or every one is blank: a sample;
 * - every feature field a number: a sample, unless the labels are names. A regression target must be
 *   a number, so names there make a header (`0,1,y`: pandas' default column names). A class label may
 *   be a name in a sample too (UCI's headerless `5.1,3.5,1.4,0.2,Iris-setosa`), which only the second
 *   row tells: `'second row'` (a number in the label column there: a header).
 */
export function firstLineIsHeader(row: Pick<CsvRow, 'fields'>, o: Pick<CsvReadOptions, 'header' | 'label' | 'task' | 'expect'>): boolean | 'second row' | 'pandas names' {
  if (o.header !== undefined) return o.header;
  const { fields } = row;
  const labels = labelsInLine(fields, o.label);
  if (labels && o.label.some((c) => typeof c === 'string')) return true;
  // pandas' default names: a test file's only under the training file's own; else unless the next line
  // is another run k, k + 1, … (`pandasNamesGuess`) — a file of such runs may start with the sample 0, 1, 2.
  // With the index's empty name first (`,0,1,2`: `to_csv()` with its default index), no sample: a blank
  // feature is an error in one (until 2026-12-03 `expected a number in field 1, found ""` over whole numbers).
  if (pandasColumnNumbers(fields)) return o.expect ? o.expect.header !== undefined && pandasColumnNumbers(o.expect.header) : fields[0].trim() === '' ? true : 'pandas names';
  const kinds = fields.map(fieldKind);
  const features = featureIndices(fields.length, labels);
  // A row index's empty names before label names alone: pandas' Series.to_csv (`,label` over `0,1`),
  // refused then for having no feature column; read as a sample, its blank features were an error at 1:1.
  if (labels && features.length > 0 && features.every((j, k) => j === k && kinds[j] === 'blank') && labels.every((j) => kinds[j] === 'name')) return true;
  if (features.every((j) => kinds[j] === 'number')) {
    if (!labels || labels.every((j) => kinds[j] === 'number')) return false;
    if (!labels.every((j) => kinds[j] === 'name')) return false;
    return o.task === 'classes' ? 'second row' : true;
  }
  return features.every((j) => kinds[j] === 'name' || kinds[j] === 'blank') && features.some((j) => kinds[j] === 'name');
}

/**
 * Whether a line is pandas' default column names — 0, 1, …, m − 1, as `DataFrame(array).to_csv()`
 * writes them (after the index's empty name when the index is written too) — for m ≥ 3: a sample that
 * is exactly that sequence is much rarer than a frame made from an array (read as a sample, it was a
 * sample of labels 0, 1, … and a class no other line has).
 */
function pandasColumnNumbers(fields: readonly string[]): boolean {
  const names = fields[0]?.trim() === '' ? fields.slice(1) : fields;
  return names.length >= 3 && names.every((f, k) => f.trim() === String(k));
}

/**
 * Whether pandas' default column names `0,1,…,m−1` as a first line (without the index's empty name)
 * are the header, from the next line's `fields` (docs/networks.md, "CSV"): a header unless that line is
 * another run of whole numbers k, k + 1, …, k + m − 1 with k ≠ 0 — a file of such runs, whose first
 * sample 0, 1, …, m − 1 is one of them. A frame of floats (a fraction next) and one of whole numbers
 * alike write the names so; `np.arange` data repeat 0, 1, …, m − 1 on the next line, a header still.
 * Until 2026-12-03 a header only when a fraction followed: over whole numbers the names were a sample,
 * refused only when no other line had its label m − 1, else trained as one.
 */
export function pandasNamesGuess(next: readonly string[]): boolean {
  const k = parseDecimal(next[0] ?? '');
  const run = Number.isInteger(k) && k !== 0 && next.every((f, j) => parseDecimal(f) === k + j);
  return !run;
}

/**
 * Why a first line whose header was guessed is a sample: its first feature field that is a number
 * or a value, as `field 2 ("1990") is a number`; '' when there is none (every field blank).
 */
function whyASample(fields: readonly string[], label: readonly CsvColumn[]): string {
  for (const j of featureIndices(fields.length, labelsInLine(fields, label))) {
    const kind = fieldKind(fields[j]);
    if (kind === 'number') return `field ${formatCount(j + 1)} (${JSON.stringify(fields[j])}) is a number`;
    if (kind === 'value') return `field ${formatCount(j + 1)} (${JSON.stringify(fields[j])}) is a value, not a name`;
  }
  return '';
}

/** A name pandas gives a column whose header name was empty when it reads a file (`Unnamed: 0`; `Unnamed: 0.1` for a second such round trip). */
const PANDAS_UNNAMED = /^Unnamed: \d+(\.\d+)?$/;

/**
 * How many of a header line's first columns are a row index, not features (docs/networks.md, "CSV"):
 * those named nothing — pandas' `to_csv` writes `,a,b,label` (a MultiIndex `,,a,…`), R's `write.csv`
 * `"","a",…` — or `Unnamed: 0`, the name pandas reads such a column back under and writes again.
 * Trained on, it would be the row number: a feature that tells the samples apart and means nothing.
 * The line must name another column, and a label column ends the index.
 */
export function rowIndexColumns(names: readonly string[], labelColumns: readonly number[]): number {
  const labels = new Set(labelColumns);
  let k = 0;
  while (k < names.length && (names[k] === '' || PANDAS_UNNAMED.test(names[k])) && !labels.has(k)) k++;
  return names.slice(k).some((n) => n !== '') ? k : 0;
}

/** The row index's columns as the messages and the data line say them: `the unnamed first column`, `the 2 unnamed first columns`. */
export function indexColumnsSaid(k: number): string {
  return k === 1 ? 'the unnamed first column' : `the ${k} unnamed first columns`;
}

/** The indices of the fields that are not labels (all of them when `labels` is null). Linear in both: a regression may have 10⁵ label columns. */
function featureIndices(count: number, labels: readonly number[] | null): number[] {
  const label = new Uint8Array(count);
  for (const j of labels ?? []) if (j >= 0 && j < count) label[j] = 1;
  const out: number[] = [];
  for (let j = 0; j < count; j++) if (!label[j]) out.push(j);
  return out;
}

/** Each field's first index by its text as trimmed, built once for a list of names to look up (not a search of the line per name). */
function firstIndexByName(fields: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  fields.forEach((f, j) => {
    const name = f.trim();
    if (!at.has(name)) at.set(name, j);
  });
  return at;
}

/**
 * The label columns' indices in a line of `fields`: an index within them, a name one of them (as a
 * header would hold it); null when a label is neither.
 */
function labelsInLine(fields: readonly string[], label: readonly CsvColumn[]): number[] | null {
  const byName = label.some((c) => typeof c === 'string') ? firstIndexByName(fields) : null;
  const indices = label.map((c) => (typeof c === 'number' ? (c < 0 ? fields.length + c : c) : (byName!.get(c) ?? -1)));
  return indices.every((j) => j >= 0 && j < fields.length) ? indices : null;
}

/** The label columns' indices in a row of `count` fields when every label is given by an index within them, else null. */
function labelIndices(count: number, label: readonly CsvColumn[]): number[] | null {
  const indices = label.map((c) => (typeof c === 'number' ? (c < 0 ? count + c : c) : -1));
  return indices.every((j) => j >= 0 && j < count) ? indices : null;
}

/** Whether every label field of `row` is a number (null when the labels are not all indices within the row). */
function labelsAreNumbers(row: Pick<CsvRow, 'fields'>, label: readonly CsvColumn[]): boolean | null {
  const labels = labelIndices(row.fields.length, label);
  return labels && labels.every((j) => !Number.isNaN(parseDecimal(row.fields[j])));
}

/** Whether the first line's class name is on another line too, in any Unicode form (NFC "café" is NFD "cafe\u0301": `checkNormalisedNames` says so). */
function onOtherLine(classText: readonly string[]): boolean {
  if (classText.indexOf(classText[0], 1) >= 0) return true;
  const form = classText[0].normalize('NFC');
  return classText.some((t, i) => i > 0 && t.normalize('NFC') === form);
}

/** Reads one CSV split: the layout of its columns, the kept samples, their targets. */
export async function readCsvSplit(ctx: ReadContext, ref: DataFileRef, o: CsvReadOptions): Promise<CsvSplit> {
  const loc = (line: number, column?: number): DataLocation => ({ file: ref.display, filePath: ref.path, line, column });
  const fail = (detail: string, line: number, column?: number, key = ref.key) => new DataError(detail, key, loc(line, column));
  let layout: CsvLayout | undefined;
  let labelColumns: number[] = [];
  let featureColumns: number[] = [];
  let features = 0;
  const outputs = o.label.length;
  // Rows kept so far. The buffers grow to the number of rows the file's size suggests (from the
  // characters per row so far), else by doubling, but never beyond what the memory budget leaves: only
  // a row read that does not fit is refused, never rows the file may not have.
  let count = 0;
  let capacity = 0;
  let rowChars = 0;
  let dataSize: number | undefined;
  let x = new Float32Array(0);
  let regression = new Float32Array(0);
  let classValues = new Float64Array(0);
  const classText: string[] = [];
  // Each class name once (a copy of its own: a field's text may be a slice that keeps the whole
  // decoded chunk alive — a file of long names held all its text, 7 GiB for a 3.6 GB file).
  const classNames = new Map<string, string>();
  let labelLine = new Uint32Array(0);
  let labelColumn = new Uint32Array(0);
  const limit = o.seed === undefined ? o.asked : undefined;

  /** Bytes a row takes while reading: its inputs, and its targets — for classes, the value, its line and column, and a reference to its name (24 bytes). */
  const rowBytes = () => (features + (o.task === 'classes' ? 6 : outputs)) * 4;
  const grow = (wanted: number) => {
    // Classes: a float64 value, its line, its column and a reference to its name per row (the names'
    // text is reserved as each new one is read).
    const perRow = rowBytes();
    const rows = Math.max(count + 1, Math.min(wanted, Math.floor((ctx.budget.limit - ctx.budget.reserved) / perRow)));
    ctx.budget.check(rows * perRow, `${o.what} samples read from ${ref.display}: ${formatShape([rows, features])} float32 inputs and their targets`, ref.key);
    const resize = <T extends Float32Array | Float64Array | Uint32Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(rows * per);
      b.set(a);
      return b;
    };
    x = resize(x, features);
    if (o.task === 'classes') {
      classValues = resize(classValues, 1);
      labelLine = resize(labelLine, 1);
      labelColumn = resize(labelColumn, 1);
    } else regression = resize(regression, outputs);
    capacity = rows;
  };

  /** Room for the rows the file seems to hold (10 % more), or twice the rows so far. */
  const nextCapacity = () => {
    if (capacity === 0) return 1024;
    const estimate = dataSize !== undefined && rowChars > 0 ? Math.ceil(((dataSize / rowChars) * count * 11) / 10) + 64 : 0;
    return estimate > capacity ? estimate : capacity * 2;
  };

  const columnName = (j: number) => (layout?.header ? ` ("${layout.header[j]}")` : '');
  /**
   * Whether the second line of a file without a header ends with the delimiter too (its last field
   * blank), once known: with the first's, the lines end with it; the first's alone is a value missing
   * there (a label, not to be deleted with the column). Undefined with no second line.
   */
  let secondEndsBlank: boolean | undefined;
  /** The first sample of a file without a header when its last field is blank, held until the second line says why (`secondEndsBlank`). */
  let heldFirst: CsvRow | null = null;
  const lastBlank = (row: CsvRow) => row.fields[row.fields.length - 1].trim() === '';
  /**
   * For an empty last field of the first sample, a label's or a feature's, when the lines end with the
   * delimiter: under a header whose last name is empty too, or, without a header, when the second line
   * ends with it as well (or there is none).
   */
  const trailingHint = (j: number) => {
    if (!layout || count > 0 || j !== layout.fieldCount - 1) return '';
    if (layout.header ? layout.header[j] !== '' : secondEndsBlank === false) return '';
    return ` — the lines end with the delimiter, which makes an empty last column: remove it${labelColumns.includes(j) ? ', or give "label"' : ''}`;
  };

  /** Where the first line (a header or a sample) ends with the delimiter: its blank last field's line and column; null when its last field is not blank. */
  let firstBlankEnd: { line: number; column: number } | null = null;
  /**
   * For a line whose field count is the first line's but for an empty last field, the delimiter at the
   * end of this line (one field more). Until 2026-12 only the first line's, without a header, was said
   * so (`trailingHint`), and a later line's count error said nothing of it. The first line's (one field
   * fewer here) is `firstLineEnds`.
   */
  const countHint = (fields: readonly string[]) => {
    if (!layout) return '';
    if (fields.length === layout.fieldCount + 1 && fields[fields.length - 1].trim() === '') return ' — this line ends with the delimiter, which makes an empty last field the first line lacks: remove it';
    return '';
  };
  /**
   * A line with one field fewer than the first, its last not blank, under a first line ending with
   * the delimiter (a header `a,b,label,`): the error, located at the first line's empty last field,
   * where the delimiter is to be removed — until 2026-12-02 it was located at this line, the hint
   * naming the first. Null for any other line.
   */
  const firstLineEnds = (row: CsvRow): DataError | null => {
    const { fields, lines } = row;
    if (!layout || !firstBlankEnd || fields.length !== layout.fieldCount - 1 || fields[fields.length - 1].trim() === '') return null;
    return fail(`${countOf(layout.fieldCount, 'field')}, where line ${formatCount(lines[0])} has ${formatCount(fields.length)} — the first line ends with the delimiter, which makes an empty last field line ${formatCount(lines[0])} lacks: remove it`, firstBlankEnd.line, firstBlankEnd.column);
  };

  /** What was guessed of a first line that is pandas' default column names (`CsvSplit.namesGuess`). */
  let namesGuess: CsvSplit['namesGuess'];
  /** The first row while whether it is a header waits on the second (`firstLineIsHeader`), and on what in it. */
  let undecided: CsvRow | null = null;
  let pendingOn: 'second row' | 'pandas names' = 'second row';
  /** When the first line was guessed a sample: why (`whyASample`), for the messages about it. */
  let firstLineWhy: string | undefined;
  /** Whether the first line's every field is a number. */
  let firstLineAllNumbers = false;
  /** Whether the first line is pandas' default column names, `0,1,…,m−1` (`pandasColumnNumbers`). */
  let firstLinePandas = false;
  /**
   * What a message about a name in field `j` of the first row adds when that line was guessed a
   * sample: that it may be a header, and how to say so.
   */
  const headerHint = (row: CsvRow, j: number) =>
    count === 0 && firstLineWhy !== undefined && fieldKind(row.fields[j]) === 'name'
      ? ` — the first line is read as a sample, not a header, since its ${firstLineWhy || 'fields are not names'}: if it names the columns, set "header": true`
      : '';

  const onRow = (row: CsvRow) => {
    if (heldFirst) {
      const first = heldFirst;
      heldFirst = null;
      secondEndsBlank = lastBlank(row);
      takeRow(first);
    } else if (!layout) {
      if (undecided) {
        // The second row settles it: a number in the label column under a name in the first line's;
        // a fraction under pandas' default names.
        const first = undecided;
        undecided = null;
        const header = pendingOn === 'pandas names' ? pandasNamesGuess(row.fields) : labelsAreNumbers(row, o.label) === true;
        if (pendingOn === 'pandas names') namesGuess = { header, first: excerpt(first.fields.join(o.delimiter)), next: excerpt(row.fields.join(o.delimiter)) };
        layout = startLayout(first, header);
        if (!header) takeRow(first);
      } else {
        const header = firstLineIsHeader(row, o);
        if (header === 'second row' || header === 'pandas names') {
          // A copy: the tokenizer's row is valid only during the callback.
          undecided = { fields: [...row.fields], lines: [...row.lines], columns: [...row.columns] };
          pendingOn = header;
          return;
        }
        layout = startLayout(row, header);
        if (layout.header) return;
        if (lastBlank(row)) {
          heldFirst = { fields: [...row.fields], lines: [...row.lines], columns: [...row.columns] };
          return;
        }
      }
    }
    takeRow(row);
  };

  // The row index's values (`rowIndexColumns`), each of which must label one row (`checkRowIndex`):
  // nothing kept while they count on from the first row's (pandas' RangeIndex, R's 1, 2, …); after
  // that a whole number of a one-column index in `indexValues` (its line in `indexLines`, 12 bytes a
  // row, checked once read), any other in `indexNames` (its line).
  let indexFirst = NaN;
  let indexSequential = true;
  let indexStored = 0;
  let indexValues = new Float64Array(0);
  let indexLines = new Uint32Array(0);
  const indexNames = new Map<string, number>();
  /** The first value the index holds twice: where, the value, and the line of its first, when known. */
  let indexRepeat: { line: number; column: number; text: string; earlier: number | undefined; row?: number } | null = null;
  const noteRowIndex = (fields: readonly string[], line: number, column: number) => {
    const k = layout!.rowIndex;
    const v = k === 1 ? parseDecimal(fields[0]) : NaN;
    const whole = Number.isInteger(v);
    if (count === 0 && whole) indexFirst = v;
    if (indexSequential && whole && v === indexFirst + count) return;
    if (indexSequential) {
      // The run of row numbers ends here: its values are known without having been kept (lines unknown).
      indexSequential = false;
      if (count > 0) {
        ctx.budget.check(count * 12, `${o.what} row index read from ${ref.display}`, ref.key);
        indexValues = new Float64Array(Math.max(1024, 2 * count));
        indexLines = new Uint32Array(indexValues.length);
        for (let r = 0; r < count; r++) indexValues[r] = indexFirst + r;
        indexStored = count;
      }
    }
    if (whole) {
      if (indexStored === indexValues.length) {
        const n = Math.max(1024, 2 * indexStored);
        ctx.budget.check(n * 12, `${o.what} row index read from ${ref.display}`, ref.key);
        const values = new Float64Array(n);
        values.set(indexValues);
        const at = new Uint32Array(n);
        at.set(indexLines);
        [indexValues, indexLines] = [values, at];
      }
      indexValues[indexStored] = v;
      indexLines[indexStored++] = line;
      return;
    }
    const key = fields.slice(0, k).map((f) => f.trim()).join('\u0000');
    const earlier = indexNames.get(key);
    if (earlier !== undefined) {
      indexRepeat ??= { line, column, text: fields.slice(0, k).map((f) => f.trim()).join(o.delimiter), earlier };
      return;
    }
    indexNames.set(key, line);
  };
  /**
   * Refuses a row index that labels two rows alike (docs/networks.md, "CSV"): an unnamed first column
   * whose values repeat is data with no name (a category, a count), not pandas' or R's row labels,
   * and would be dropped unseen. At the earliest line that repeats a value.
   */
  const checkRowIndex = () => {
    if (!layout || layout.rowIndex === 0) return;
    let repeat = indexRepeat;
    if (indexStored > 1) {
      const order = Uint32Array.from({ length: indexStored }, (_, i) => i).sort((a, b) => indexValues[a] - indexValues[b] || indexLines[a] - indexLines[b]);
      for (let i = 1; i < order.length; i++) {
        const [a, b] = [order[i - 1], order[i]];
        if (indexValues[a] !== indexValues[b] || (repeat && indexLines[b] >= repeat.line)) continue;
        repeat = { line: indexLines[b], column: 1, text: String(indexValues[b]), earlier: indexLines[a] || undefined, row: indexValues[a] - indexFirst + 1 };
      }
    }
    if (!repeat) return;
    const name = layout.header?.[0] ? `is "${layout.header[0]}", pandas' name for a column that had none` : 'has no name';
    const what = layout.rowIndex === 1 ? `column 1 ${name}` : `the ${formatCount(layout.rowIndex)} first columns have no name`;
    // The run of row numbers the index began with was not kept with its lines: its row, counted under the header.
    const earlier = repeat.earlier ? `line ${formatCount(repeat.earlier)} has it too` : `row ${formatCount(repeat.row ?? 0)} under the header has it too`;
    throw fail(`${what}, so ${layout.rowIndex === 1 ? 'it is' : 'they are'} read as a row index (as pandas and R write one), but ${JSON.stringify(repeat.text)} labels two rows (${earlier}): a row index labels each row once, so this is data with no name — name the column in the header to train on it`, repeat.line, repeat.column);
  };

  const takeRow = (row: CsvRow) => {
    const { fields, lines, columns } = row;
    if (!layout) throw new Error('readCsvSplit: a row before the layout');
    if (fields.length !== layout.fieldCount) {
      if (!firstLineHint) {
        const atFirst = firstLineEnds(row);
        if (atFirst) throw atFirst;
      }
      throw fail(`expected ${countOf(layout.fieldCount, 'field')}, as the first line has, found ${formatCount(fields.length)}${firstLineHint || countHint(fields)}`, lines[0], columns[0]);
    }
    if (count === capacity) grow(nextCapacity());
    for (let j = 0; j < layout.rowIndex; j++) {
      // A row index holds row numbers or names: a fraction means the column is data with no name.
      const v = parseDecimal(fields[j]);
      if (Number.isFinite(v) && !Number.isInteger(v)) {
        const name = layout.header?.[j] ? `is "${layout.header[j]}", pandas' name for a column that had none` : 'has no name';
        throw fail(`column ${formatCount(j + 1)} ${name}, so it is read as a row index (as pandas and R write one), but it holds ${JSON.stringify(fields[j].trim())}, no row number: name the column in the header to train on it`, lines[j], columns[j]);
      }
    }
    if (layout.rowIndex > 0) noteRowIndex(fields, lines[0], columns[0]);
    for (let j = 0; j < fields.length; j++) rowChars += fields[j].length + 1;
    const base = count * features;
    for (let f = 0; f < features; f++) {
      const j = featureColumns[f];
      const v = parseDecimal(fields[j]);
      x[base + f] = v;
      if (!Number.isFinite(x[base + f])) {
        const why = Number.isNaN(v) ? (fields[j].trim() === '' ? trailingHint(j) : numberHint(fields[j])) : BEYOND_FLOAT32;
        throw fail(`expected a number in field ${formatCount(j + 1)}${columnName(j)}, found ${JSON.stringify(fields[j])}${why}${headerHint(row, j)}`, lines[j], columns[j]);
      }
    }
    if (o.task === 'classes') {
      const j = labelColumns[0];
      const text = fields[j].trim();
      if (text === '') throw fail(`expected a class label in field ${formatCount(j + 1)}${columnName(j)}, found an empty field${trailingHint(j)}`, lines[j], columns[j]);
      classValues[count] = parseDecimal(text);
      let name = classNames.get(text);
      if (name === undefined) {
        // Checked with the buffers held (sized to what the limit left before this name), then reserved.
        const what = `${o.what} class names read from ${ref.display}: name ${formatCount(classNames.size + 1)} (line ${formatCount(lines[j])}) and the buffers of ${formatCount(capacity)} rows`;
        ctx.budget.check(2 * text.length + capacity * rowBytes(), what, ref.key);
        ctx.budget.reserve(2 * text.length, what, ref.key);
        name = Buffer.from(text, 'utf8').toString('utf8');
        classNames.set(name, name);
      }
      classText[count] = name;
      labelLine[count] = lines[j];
      labelColumn[count] = columns[j];
    } else {
      for (let t = 0; t < outputs; t++) {
        const j = labelColumns[t];
        const v = parseDecimal(fields[j]);
        regression[count * outputs + t] = v;
        if (!Number.isFinite(regression[count * outputs + t])) {
          const why = Number.isNaN(v) ? (fields[j].trim() === '' ? trailingHint(j) : numberHint(fields[j])) : BEYOND_FLOAT32;
          throw fail(`expected a number as the regression target in field ${formatCount(j + 1)}${columnName(j)}, found ${JSON.stringify(fields[j])}${why}${headerHint(row, j)}`, lines[j], columns[j]);
        }
      }
    }
    count++;
    if (count === limit) throw new EnoughRows();
  };

  /** The delimiter hint for the first line (`delimiterHint`), for problems with the columns. */
  let hint = '';
  /** What the first line is when it is no CSV line (`notACsvLine`), for problems with the columns. */
  let firstLineHint = '';

  /** Settles the header and the label and feature columns from the first row. */
  const startLayout = (row: CsvRow, header: boolean): CsvLayout => {
    const { fields, lines } = row;
    const names = header ? fields.map((f) => f.trim()) : undefined;
    const found: CsvLayout = { file: ref.display, fieldCount: fields.length, header: names, rowIndex: 0 };
    if (!header && o.header === undefined) firstLineWhy = whyASample(fields, o.label);
    firstLineAllNumbers = fields.every((f) => fieldKind(f) === 'number');
    firstLinePandas = pandasColumnNumbers(fields);
    const last = fields.length - 1;
    firstBlankEnd = lastBlank(row) ? { line: row.lines[last], column: row.columns[last] } : null;
    if (o.expect) {
      if (found.fieldCount !== o.expect.fieldCount) {
        // One file written with pandas' index and the other without: say so.
        const ownIndex = names ? rowIndexColumns(names, []) : 0;
        const index =
          o.expect.rowIndex > 0 && found.fieldCount === o.expect.fieldCount - o.expect.rowIndex ? ` — ${o.expect.file} has a row index (${indexColumnsSaid(o.expect.rowIndex)}), which this file lacks: write both with the index or both without`
          : ownIndex > 0 && found.fieldCount - ownIndex === o.expect.fieldCount ? ` — this file has a row index (${indexColumnsSaid(ownIndex)}), which ${o.expect.file} lacks: write both with the index or both without`
          // A delimiter at the end of the line, as `countHint` says of a line of one file (until
          // 2026-12-02 the counts alone). The other way round cannot reach here: a training file
          // whose lines end with the delimiter is refused at its empty last column.
          : found.fieldCount === o.expect.fieldCount + 1 && firstBlankEnd ? ` — this file's first line ends with the delimiter, which makes an empty last field ${o.expect.file} lacks: remove it`
          : '';
        throw fail(`${countOf(found.fieldCount, 'field')}, where ${o.expect.file} has ${formatCount(o.expect.fieldCount)}: the files must have the same columns${index}`, lines[0], 1);
      }
      if (names && o.expect.header) {
        const j = names.findIndex((n, k) => n !== o.expect!.header![k]);
        if (j >= 0) throw fail(`column ${formatCount(j + 1)} is "${names[j]}", where ${o.expect.file} has "${o.expect.header[j]}": the files must have the same columns in the same order`, lines[j], row.columns[j]);
      }
    }
    hint = delimiterHint(fields, o.delimiter);
    firstLineHint = notACsvLine(fields, o.delimiter);
    labelColumns = o.label.map((c, i) => resolveColumn(c, found, o.labelKeys[i]));
    const seen = new Set<number>();
    const duplicate = labelColumns.findIndex((c) => seen.size === seen.add(c).size);
    if (duplicate >= 0) throw new DataError(`column ${labelColumns[duplicate]}${names ? ` ("${names[labelColumns[duplicate]]}")` : ''} is named twice as a label (columns count from 0)`, joinPath(o.specPath, 'label'));
    if (o.task === 'classes' && labelColumns.length > 1) throw new DataError('class labels are one column; several label columns are regression targets (set "task": "regression")', joinPath(o.specPath, 'label'));
    // A test file without a header line takes the training file's row index (its columns are the same).
    found.rowIndex = names ? rowIndexColumns(names, labelColumns) : labelColumns.reduce((m, c) => Math.min(m, c), o.expect?.rowIndex ?? 0);
    featureColumns = featureIndices(found.fieldCount, labelColumns).filter((j) => j >= found.rowIndex);
    if (featureColumns.length === 0) {
      const index = found.rowIndex ? ` but the row index (${indexColumnsSaid(found.rowIndex)}, left out; name it in the header to train on it)` : '';
      // A row index and labels alone: what pandas writes for one column (a Series) with its index.
      const series = found.rowIndex ? ' — the file holds a row index and labels, no features (as pandas\' Series.to_csv writes one column): write the feature columns beside the labels' : '';
      throw fail(`every column${index} is a label: a sample needs at least one feature column${series || firstLineHint || hint}`, lines[0], 1, joinPath(o.specPath, 'label'));
    }
    features = featureColumns.length;
    // The count of samples is known once the lines are read: the shape without it.
    ctx.beforeAllocating?.({ what: o.what, features, task: o.task, outputs: o.task === 'regression' ? outputs : undefined });
    if (limit !== undefined) grow(Math.max(limit, 1));
    return found;
  };

  // Each header's names by position (first and second), built once for the label list's look-ups.
  const positions = new WeakMap<readonly string[], Map<string, number[]>>();
  const positionsIn = (header: readonly string[], name: string): number[] => {
    let at = positions.get(header);
    if (!at) {
      at = new Map();
      header.forEach((n, j) => {
        const list = at!.get(n);
        if (!list) at!.set(n, [j]);
        else if (list.length < 2) list.push(j);
      });
      positions.set(header, at);
    }
    return at.get(name) ?? [];
  };
  const resolveColumn = (c: CsvColumn, l: CsvLayout, path: string): number => {
    if (typeof c === 'number') {
      const j = c < 0 ? l.fieldCount + c : c;
      if (j < 0 || j >= l.fieldCount) throw new DataError(`column index ${c} is outside the ${countOf(l.fieldCount, 'column')} of ${ref.display} (0 to ${l.fieldCount - 1}, or −1 to −${l.fieldCount} from the end)${hint}`, path);
      return j;
    }
    // A test file without a header takes the training file's column names.
    if (!l.header && o.expect?.header && positionsIn(o.expect.header, c).length > 0) return positionsIn(o.expect.header, c)[0];
    if (!l.header) {
      const first =
        o.header === false ? '"header" is false'
        : firstLineAllNumbers ? `the first line of ${ref.display} is all numbers`
        : `the first line of ${ref.display} is read as a sample, not a header, since its ${firstLineWhy || 'fields are not names'}`;
      throw new DataError(`a column name needs a header line, and ${first}: give the column's 0-based index${o.header === false ? '' : ', or set "header": true'}`, path);
    }
    const [j = -1, again = -1] = positionsIn(l.header, c);
    if (j < 0) throw new DataError(`no column "${c}" in the header of ${ref.display} (${l.header.slice(0, 12).map((n) => `"${n}"`).join(', ')}${l.header.length > 12 ? ', …' : ''})${hint}`, path);
    // A name the header holds twice names no one column: the first taken, the other was a feature (the target leaked into the inputs).
    if (again >= 0) throw new DataError(`the header of ${ref.display} names "${c}" more than once (columns ${j} and ${again}, counting from 0): give the label column by its index`, path);
    return j;
  };

  await withDataFile(ref, ctx.maxReadBytes, async (reader) => {
    dataSize = reader.dataSize;
    const tokenizer = new CsvTokenizer(o.delimiter, onRow);
    // Fatal: a byte that is not UTF-8 anywhere in the file is an error at it (a replacement character
    // merged the class names Müller and Möller of a Windows-1252 file past its first 4 KiB).
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const buffer = new Uint8Array(1 << 20);
    let read = 0;
    /** The bytes of a character the blocks so far end inside (from its first byte; at most 3). */
    let tail: Uint8Array = new Uint8Array(0);
    try {
      for (;;) {
        ctx.signal?.throwIfAborted();
        const n = await reader.read(buffer);
        if (n === 0) break;
        const block = buffer.subarray(0, n);
        if (read === 0) {
          const binary = binaryStart(block, n < buffer.length, reader.dataSize);
          if (binary) throw reader.error(binary.message, binary.offset);
        }
        const control = firstControlByte(block);
        if (control >= 0) throw reader.error(`expected CSV text, found a control character, which no field of text holds (byte ${formatCount(read + control)} is ${hexByte(block[control])})`, read + control);
        let text: string;
        try {
          text = decoder.decode(block, { stream: true });
        } catch {
          const bad = notUtf8(tail, block, read);
          throw reader.error(bad.message, bad.offset);
        }
        tokenizer.push(text);
        tail = unfinishedCharacter(tail, block);
        read += n;
      }
      try {
        tokenizer.push(decoder.decode());
      } catch {
        const at = read - tail.length;
        throw reader.error(`expected a CSV text file in UTF-8, found its last character cut (byte ${formatCount(at)} is ${hexByte(tail[0])}, the first byte of a ${utf8SequenceLength(tail[0])}-byte character, and the file ends after ${countOf(tail.length, 'byte')} of it): truncated`, at);
      }
      tokenizer.end();
      // One line in all, its label a class name: a sample, not a header; or the first held for the second line.
      const only = (undecided ?? heldFirst) as CsvRow | null;
      if (only) {
        if (undecided) layout = startLayout(only, false);
        undecided = null;
        heldFirst = null;
        takeRow(only);
      }
    } catch (err) {
      if (err instanceof EnoughRows) return;
      if (err instanceof CsvSyntaxError) throw fail(err.message, err.line, err.column);
      throw err;
    }
  });

  if (!layout) throw new DataError('the file has no lines: expected a header or samples', ref.key, { file: ref.display, filePath: ref.path });
  if (count === 0) throw new DataError('the file has a header and no samples', ref.key, loc(1));
  checkRowIndex();
  // A first line guessed a sample whose class name no other line has is a header (years over class
  // names: `1990,2000,2010,region` trained "region" as a class of one sample until 2026-12).
  // Only where every line is known: the whole file read, and no test file to hold the class.
  const everyLine = limit === undefined && o.what === 'training' && !o.testFollows;
  if (everyLine && firstLineWhy !== undefined && o.task === 'classes' && labelLine[0] === 1 && fieldKind(classText[0]) === 'name' && count > 1 && !onOtherLine(classText)) {
    throw fail(`the first line's label ${JSON.stringify(excerpt(classText[0]))} is on no other line, so it is no class: the first line is read as a sample, not a header, since its ${firstLineWhy || 'fields are not names'} — if it names the columns, set "header": true; if it is a sample, "header": false`, labelLine[0], labelColumn[0]);
  }
  // pandas' default column names over whole numbers, read as a sample: its label m − 1 a class that it
  // alone has (`DataFrame(int_array).to_csv(index=False)` trained a sample 0, 1, 2 of a 4th class until
  // 2026-12). Refused where every line is known; with a test file, by loadDataset once it is read.
  let namesLine: CsvSplit['namesLine'];
  if (firstLinePandas && firstLineWhy !== undefined && o.task === 'classes' && labelLine[0] === 1 && count > 1 && fieldKind(classText[0]) === 'number') {
    const label = classValues[0];
    const alone = limit === undefined && !classValues.subarray(1, count).includes(label);
    namesLine = { label, text: classText[0], alone, key: ref.key, location: loc(labelLine[0], labelColumn[0]), next: namesGuess?.next ?? '' };
    if (alone && o.what === 'training' && !o.testFollows) throw pandasNamesRefusal(namesLine, ref.display);
  }
  if (o.asked !== undefined && o.asked > count) throw new DataError(`${countOf(o.asked, `${o.what} sample`)} asked for, ${ref.display} has ${formatCount(count)}`, joinPath(o.specPath, o.what === 'test' ? 'test' : 'train'));

  // Keep the chosen rows (all, the first N, or a seeded subset), compacted in file order.
  const kept = o.seed !== undefined && o.asked !== undefined ? randomIndices(count, o.asked, o.seed) : null;
  const n = kept ? kept.length : count;
  // All rows kept and little room left over: keep the buffers (views of their first n rows) rather
  // than copy them, the room counted as memory in use.
  const inPlace = !kept && capacity - n <= capacity / 8;
  const held = inPlace ? capacity : n;
  ctx.budget.reserve(held * (features + (o.task === 'classes' ? 1 : outputs)) * 4, `${o.what} samples: ${formatShape([n, features])} float32 inputs and their targets`, ref.key);
  const pick = <T extends Float32Array | Float64Array | Uint32Array>(a: T, per: number): T => {
    if (inPlace) return a.subarray(0, n * per) as T;
    if (!kept) return a.slice(0, n * per) as T;
    const b = new (a.constructor as new (n: number) => T)(n * per);
    kept.forEach((r, i) => b.set(a.subarray(r * per, (r + 1) * per), i * per));
    return b;
  };
  const finalLayout = layout;
  let targets: RawClasses | RawRegression;
  if (o.task === 'classes') {
    const lines = pick(labelLine, 1);
    const cols = pick(labelColumn, 1);
    targets = {
      kind: 'classes',
      values: pick(classValues, 1),
      text: kept ? Array.from(kept, (r) => classText[r]) : classText.slice(0, n),
      place: (i) => ({ key: ref.key, location: loc(lines[i], cols[i]) }),
    };
  } else targets = { kind: 'regression', values: pick(regression, outputs), outputs };
  return { split: { count: n, sampleShape: [features], features, x: pick(x, features), byteValued: false, targets }, layout: finalLayout, namesLine, namesGuess };
}

/**
 * The refusal of a first line that is pandas' default column names read as a sample whose label no
 * other line has (docs/networks.md, "CSV"): `names.label` the label's text, `elsewhere` the files no
 * other line of which has it (`train.csv`, `train.csv or test.csv`).
 */
export function pandasNamesRefusal(names: NonNullable<CsvSplit['namesLine']>, elsewhere: string): DataError {
  return new DataError(
    `the first line is 0, 1, …, as pandas names the columns of a frame made from an array (DataFrame(array).to_csv()), and its label ${names.text} is on no other line of ${elsewhere}, so it is no class: the first line is read as a sample, not a header, since the next line (${JSON.stringify(names.next)}) is another run of whole numbers like it — if it names the columns, set "header": true; if it is a sample, "header": false`,
    names.key,
    names.location,
  );
}
