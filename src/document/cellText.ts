/** The experiment text of one cell of a phase diagram (docs/phase-diagram.md, "The panel"). */
import { applyEdits, findNodeAtLocation, modify } from 'jsonc-parser';
import { parseTreeGuarded } from '../core/experiment/parse';
import { parsePath } from '../core/experiment/jsonPath';

/**
 * The experiment text of one cell: the two values written in place (a width power keeps its
 * exponent and takes the value as its base), the sweep dropped (a cell is one configuration) and
 * the name saying which cell. Everything else — layout, comments — is the user's text as it was.
 */
export function cellExperimentText(text: string, cell: { path: string; value: number }[], name: string): string {
  let out = text;
  const options = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };
  for (const { path, value } of cell) {
    const segments = parsePath(path);
    const node = findNodeAtLocation(parseTreeGuarded(out) ?? { type: 'null', offset: 0, length: 0 }, segments);
    const target = node && node.type === 'object' && findNodeAtLocation(node, ['widthExponent']) ? [...segments, 'base'] : segments;
    out = applyEdits(out, modify(out, target, Number(value.toPrecision(12)), options));
  }
  if (findNodeAtLocation(parseTreeGuarded(out) ?? { type: 'null', offset: 0, length: 0 }, ['sweep'])) out = applyEdits(out, modify(out, ['sweep'], undefined, options));
  return applyEdits(out, modify(out, ['name'], name, options));
}
