/** Whether an edit of an experiment file changes the run it describes, or only its header. */
import { parseTree, type ParseError } from 'jsonc-parser';

/**
 * Whether two experiment texts train the same run: equal once the values of their top-level "name"
 * and "description" are left out (what only a panel's header shows), both parsing without error.
 * Texts longer than `parseLimit` characters are compared whole (the extension host parses on its
 * main thread only what takes a few milliseconds).
 */
export function sameRun(a: string, b: string, parseLimit = Infinity): boolean {
  if (a === b) return true;
  if (a.length > parseLimit || b.length > parseLimit) return false;
  const run = (text: string): string | null => {
    const errors: ParseError[] = [];
    const tree = parseTree(text, errors, { allowTrailingComma: true });
    if (!tree || errors.length > 0 || tree.type !== 'object') return null;
    const header = (tree.children ?? []).filter((p) => p.children?.[0]?.value === 'name' || p.children?.[0]?.value === 'description').map((p) => p.children?.[1]);
    let out = '';
    let at = 0;
    for (const v of header) {
      if (!v) continue;
      out += text.slice(at, v.offset);
      at = v.offset + v.length;
    }
    return out + text.slice(at);
  };
  const ra = run(a);
  return ra !== null && ra === run(b);
}
