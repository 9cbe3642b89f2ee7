/**
 * The edits that write a control's value back into the experiment file (no vscode import; unit-
 * tested). An existing value is replaced by jsonc-parser's `modify` without formatting, which edits
 * exactly the value's characters, so comments, layout and everything else the user typed stay as
 * they are. A missing key is inserted by hand after the object's last property, in that property's
 * indentation: `modify` with formatting options would re-format the whole line it touches.
 * A key that has no place in the document's current form is refused (null), as is any insertion
 * into a document with syntax errors (its tree may not be what the user means). A key written as
 * `{ "widthExponent": e, "base": b }` takes the value as its base b (keyStatus): `base`'s characters
 * are replaced, or `"base"` inserted into that object when it is left out; the exponent stays.
 */
import { modify, Node, ParseError } from 'jsonc-parser';
import { parseTreeGuarded } from '../core/experiment/parse';
import { parsePath } from '../core/experiment/jsonPath';
import { CONTROL_RANGES, ControlKey } from '../protocol/dynamics';
import { keyStatus } from './controlState';

/** Replace `length` characters at `offset` (UTF-16 code units) by `content`. */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** How a control's value is spelled in the file: integers as integers, others without float noise. */
export function formatControlValue(key: ControlKey, value: number): string {
  if (CONTROL_RANGES[key].integer) return String(Math.max(1, Math.round(value)));
  const tidy = Number(value.toPrecision(12));
  return JSON.stringify(Object.is(tidy, -0) ? 0 : tidy);
}

/** Edits setting `key` to `value`: [] when it already has that value, null when refused. */
export function editControlValue(text: string, key: ControlKey, value: number): TextEdit[] | null {
  if (!Number.isFinite(value)) return null;
  const json = formatControlValue(key, value);
  return editValue(text, key, json, 'number');
}

/** The tree (none for a document nested too deeply to parse safely; nothing is then edited). */
function parse(text: string): { tree: Node | undefined; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const tree = parseTreeGuarded(text, errors);
  return { tree, errors };
}

function editValue(text: string, key: string, json: string, type: 'number' | 'boolean'): TextEdit[] | null {
  const { tree, errors } = parse(text);
  const status = keyStatus(tree, key);
  if (status.kind === 'absent') return null;
  if (status.kind === 'present') {
    const node = status.node;
    // Never overwrite something of another type (a string or object the user is typing).
    if (node.type !== type) return null;
    if (text.slice(node.offset, node.offset + node.length) === json) return [];
    const edits = modify(text, status.base ? [...parsePath(key), 'base'] : parsePath(key), JSON.parse(json), {});
    // modify without formatting is exactly one edit over the value; anything else is not minimal.
    if (edits.length !== 1 || edits[0].offset !== node.offset || edits[0].length !== node.length) {
      return [{ offset: node.offset, length: node.length, content: json }];
    }
    return [{ offset: edits[0].offset, length: edits[0].length, content: json }];
  }
  if (errors.length > 0) return null;
  return insertProperty(text, status.parent, status.name, json);
}

/** Inserts `"name": json` into `object` after its last property, touching no other character. */
export function insertProperty(text: string, object: Node, name: string, json: string): TextEdit[] {
  const property = `${JSON.stringify(name)}: ${json}`;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const props = object.children ?? [];
  if (props.length === 0) {
    const open = object.offset;
    const close = object.offset + object.length - 1;
    const inner = text.slice(open + 1, close);
    if (/^[ \t]*$/.test(inner)) return [{ offset: open + 1, length: inner.length, content: ` ${property} ` }];
    return [{ offset: open + 1, length: 0, content: `${eol}${lineIndent(text, open)}${indentUnit(text)}${property}` }];
  }
  const last = props[props.length - 1];
  const lastEnd = last.offset + last.length;
  let i = lastEnd;
  const skipBlanks = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipBlanks();
  const hasComma = text[i] === ',';
  if (hasComma) i++;
  // Skip what may follow on the same line: blanks and one-line comments.
  for (;;) {
    skipBlanks();
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || /[\r\n]/.test(text.slice(i, end))) break;
      i = end + 2;
    } else break;
  }
  const endsLine = i >= text.length || text[i] === '\n' || text[i] === '\r';
  if (endsLine) {
    // One property per line: a new line after this one, in its indentation.
    const sameLineAsBrace = !/[\r\n]/.test(text.slice(object.offset, last.offset));
    const indent = sameLineAsBrace ? lineIndent(text, object.offset) + indentUnit(text) : lineIndent(text, last.offset);
    const line = `${eol}${indent}${property}${hasComma ? ',' : ''}`;
    if (hasComma) return [{ offset: i, length: 0, content: line }];
    // Two insertions at one place would be applied in an unspecified order: make them one.
    if (i === lastEnd) return [{ offset: i, length: 0, content: `,${line}` }];
    return [
      { offset: lastEnd, length: 0, content: ',' },
      { offset: i, length: 0, content: line },
    ];
  }
  // Several properties on one line: continue it.
  if (hasComma) {
    const afterComma = text.indexOf(',', lastEnd) + 1;
    return [{ offset: afterComma, length: 0, content: ` ${property},` }];
  }
  return [{ offset: lastEnd, length: 0, content: `, ${property}` }];
}

/** The leading blanks of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** One level of indentation as the file uses it: a tab, or the smallest run of leading spaces. */
function indentUnit(text: string): string {
  let smallest = Infinity;
  for (const m of text.matchAll(/(?:^|\n)([ \t]+)\S/g)) {
    if (m[1].startsWith('\t')) return '\t';
    smallest = Math.min(smallest, m[1].length);
  }
  return ' '.repeat(Number.isFinite(smallest) ? smallest : 2);
}

/** Applies edits (non-overlapping, any order) to a text: what VS Code does with the WorkspaceEdit. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  // From the end backwards; of two edits at one offset, the later in the list is applied first so the earlier ends up first.
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.offset - a.e.offset || b.i - a.i).map((x) => x.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}
