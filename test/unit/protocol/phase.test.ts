/**
 * The phase panel's diagram message carries which cells are refused (beyond 64 bits), and both ends
 * check its per-cell bytes against the grid before drawing (src/protocol/phase.ts, diagramCellsError):
 * one byte per cell, `refused` 0 or 1, a refused cell with neither label nor outcome, outcomes exactly
 * for descent. Export Chart draws the refused cells from the message as `flab phase --svg` does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_LABEL, NO_OUTCOME, phaseDiagramSync, type PhaseMethod } from '../../../src/core/analysis/phase/phaseDiagram';
import { phaseSvg } from '../../../src/core/analysis/phase/phaseSvg';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { diagramFigure, diagramSvg } from '../../../src/extension/phase/figure';
import { diagramCellsError, type Diagram, type DiagramCells } from '../../../src/protocol/phase';
import { encodePhase } from '../../../src/workers/phaseRun';

const WIDE = { model: { width: 64 }, data: { x: [1], y: 1 }, init: { scaleU: 1e-3, scaleW: 1e-3, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 400 } };
const X = { key: 'init.scaleW', from: 1e-300, to: 1e300, scale: 'log' as const };
const Y = { key: 'init.scaleU', from: 1e-300, to: 1e300, scale: 'log' as const };
const N = 7;

function shown(method: PhaseMethod) {
  const { experiment } = parseExperiment(JSON.stringify(WIDE));
  assert.ok(experiment);
  const p = phaseDiagramSync(experiment, X, Y, N, method);
  const message: Diagram = { ...encodePhase(p, X, Y, 'wide', 1), version: 1 };
  return { p, message };
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

for (const method of ['flow', 'descent'] as PhaseMethod[]) {
  test(`${method}: the message carries refused as one byte per cell, the check accepts it, and Export Chart draws it as flab phase --svg`, () => {
    const { p, message } = shown(method);
    const cells: DiagramCells = { labels: bytes(message.labels), refused: bytes(message.refused), outcomes: message.outcomes === null ? null : bytes(message.outcomes) };
    assert.deepEqual([...cells.refused], [...p.refused]);
    const refused = cells.refused.filter((r) => r === 1).length;
    assert.ok(refused > 0 && refused < N * N, `${refused} refused cells`);
    assert.equal(diagramCellsError(message, cells), null);
    assert.deepEqual(Array.from(diagramFigure(message).refused), [...p.refused]);
    // The panel's figure is the CLI's (the shading from single precision gives the same steps here).
    assert.equal(diagramSvg(message), phaseSvg(p, { title: 'wide' }));
    assert.match(diagramSvg(message), /beyond 64 bits \(refused\)/);
  });
}

test('the check names the array, the cell, what it expected and what it found', () => {
  const { message } = shown('descent');
  const good = (): DiagramCells => ({ labels: bytes(message.labels), refused: bytes(message.refused), outcomes: bytes(message.outcomes!) });
  const k = bytes(message.refused).indexOf(1);
  const computed = bytes(message.refused).indexOf(0);
  const cases: [string, (c: DiagramCells) => DiagramCells, RegExp][] = [
    ['refused too short', (c) => ({ ...c, refused: c.refused.subarray(1) }), /^diagram refused: 48 bytes for 7 × 7 = 49 cells$/],
    ['refused too long', (c) => ({ ...c, refused: new Uint8Array(50) }), /^diagram refused: 50 bytes for 7 × 7 = 49 cells$/],
    ['labels too short', (c) => ({ ...c, labels: new Uint8Array(0) }), /^diagram labels: 0 bytes for/],
    ['refused 2', (c) => (c.refused[computed] = 2, c), new RegExp(`^diagram refused: cell ${computed} \\(row \\d, column \\d\\) is 2, expected 0 or 1$`)],
    ['a refused cell with a label', (c) => (c.labels[k] = 1, c), new RegExp(`^diagram refused: cell ${k} .* is refused but has label 1 and outcome ${NO_OUTCOME}, expected ${NO_LABEL}`)],
    ['a refused cell with an outcome', (c) => (c.outcomes![k] = 0, c), new RegExp(`^diagram refused: cell ${k} .* is refused but has label ${NO_LABEL} and outcome 0`)],
    ['no outcome where computed', (c) => (c.outcomes![computed] = NO_OUTCOME, c), new RegExp(`^diagram outcomes: cell ${computed} .* is ${NO_OUTCOME}, expected a code below 5$`)],
    ['an unknown label', (c) => (c.labels[computed] = 9, c), /^diagram labels: cell \d+ .* is 9, expected a code below 8 or 255 \(none\)$/],
    ['outcomes missing for descent', (c) => ({ ...c, outcomes: null }), /^diagram outcomes: missing for gradient descent$/],
  ];
  for (const [name, change, expected] of cases) assert.match(diagramCellsError(message, change(good())) ?? 'accepted', expected, name);
  // Export Chart refuses a malformed message rather than drawing it.
  assert.throws(() => diagramFigure({ ...message, refused: Buffer.from(new Uint8Array(48)).toString('base64') }), /the phase panel's diagram: diagram refused: 48 bytes for 7 × 7 = 49 cells/);
  const flow = shown('flow').message;
  assert.match(diagramCellsError(flow, { labels: bytes(flow.labels), refused: bytes(flow.refused), outcomes: new Uint8Array(N * N) }) ?? '', /^diagram outcomes: given for the flow/);
});
