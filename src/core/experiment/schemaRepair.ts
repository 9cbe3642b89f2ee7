/**
 * The checks a schema cannot make, run in the same pass as the schema's on the keys it accepted
 * (docs/limits.md, "Reading an experiment file"): a file with a refused key and a number that float32
 * cannot hold elsewhere gets both errors at once, not the second only once the first is fixed.
 *
 * The file's value is taken without every key the schema refused (the whole key, never an element of
 * an array, so that every other path still names what it named); when that value is one the schema
 * accepts, the kind's own checks run on it, and their problems are kept unless they may come from a
 * removed key: at it, inside it or around it, or naming it (a check between two keys, one of them
 * removed, would judge the other against a default the user did not write).
 */
import { getNodeValue, Node } from 'jsonc-parser';
import { Diagnostic } from './diagnostic';
import { parsePath } from './jsonPath';
import { checkValue, SchemaNode } from './schema';

/** A problem at a JSON path, as the kinds' own checks give them. */
export interface PathProblem {
  path: string;
  message: string;
}

/**
 * The problems `checks` finds in the file's value without the keys of `refused` (the schema's
 * diagnostics), kept as described above; none when the value without them is still refused by
 * `schema` (for instance a required key was among them) or a refusal is of the whole file.
 */
export function problemsBesideRefused(tree: Node, refused: readonly Diagnostic[], schema: SchemaNode, root: SchemaNode, checks: (value: unknown) => PathProblem[]): PathProblem[] {
  const removed = new Set<string>();
  for (const d of refused) {
    const segments = parsePath(d.path);
    // The key that holds the refused value: an array's element is refused with its whole array.
    while (segments.length > 0 && typeof segments[segments.length - 1] === 'number') segments.pop();
    if (segments.length === 0) return [];
    removed.add(pathOf(segments));
  }
  const value: unknown = getNodeValue(tree);
  for (const path of removed) removeKey(value, parsePath(path));
  if (checkValue(value, schema, root, '').length > 0) return [];
  const related = (path: string, message: string) =>
    [...removed].some((r) => path === r || path.startsWith(`${r}.`) || path.startsWith(`${r}[`) || r.startsWith(`${path}.`) || r.startsWith(`${path}[`) || path === '' || mentions(message, r));
  return checks(value).filter((p) => !related(p.path, p.message));
}

/** Whether `message` names the key `path` (not as a prefix of a longer path: `training.epochs` is not in `training.epochsX`). */
function mentions(message: string, path: string): boolean {
  let at = message.indexOf(path);
  while (at >= 0) {
    const next = message[at + path.length];
    if (next === undefined || !/[\w[]/.test(next)) return true;
    at = message.indexOf(path, at + 1);
  }
  return false;
}

function pathOf(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Deletes the key at `segments` (its last a key of an object) from `value`, if it is there. */
function removeKey(value: unknown, segments: (string | number)[]): void {
  let node: unknown = value;
  for (const s of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[s];
  }
  const last = segments[segments.length - 1];
  if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, last)) delete (node as Record<string, unknown>)[last as string];
}
