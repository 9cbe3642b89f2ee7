/**
 * A phase axis over a width-powered key holds bases (a breaker's finding 3, 2026-12-03): under
 * `"parameterisation": "ntk"` at width 1024 the cells take an outputScale axis value b as the base of
 * γ = b·d^(−1/2), as a sweep does, but the picker said "now 0.03125" (the effective γ) and centred its
 * range there, the figure, hover and legend called the values "output scale γ", and `--json` had
 * `x.current: null` — no ring — for a file that leaves outputScale out (γ = 1 by default, with or
 * without a parameterisation). Now every place names the axis as the base, `current` is the file's
 * base (1 when left out), and `widthPower` says what the cells compute with.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { phaseDiagramSync } from '../../../src/core/analysis/phase/phaseDiagram';
import { phaseCsv } from '../../../src/core/analysis/phase/phaseTable';
import { FileReader } from '../../../src/cli/experimentFile';
import { runCli } from '../../../src/cli/run';
import { encodePhase } from '../../../src/workers/phaseRun';
import { diagramSvg } from '../../../src/extension/phase/figure';
import { axisCandidates, candidateNow, candidateRangeOf } from '../../../src/extension/phase/axes';

/** examples/width-scaling-ntk.flab.json: ntk, width 1024, no outputScale (γ = 1024^(−1/2) = 0.03125). */
const NTK = JSON.stringify({ parameterisation: 'ntk', model: { width: 1024 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 } });
/** No outputScale and no width power: γ = 1. */
const NO_GAMMA = JSON.stringify({ model: { width: 8 }, data: { x: [1], y: 1 }, init: { scaleU: 0.01, scaleW: 0.01, seed: 0 }, learningRates: { u: 0.1, W: 0.1 } });
/** An explicit width power, γ = 2·d^(−1), and `standard` (σ_u = b·d^(−1/2); γ's exponent 0). */
const EXPLICIT = JSON.stringify({ model: { width: 64, outputScale: { widthExponent: -1, base: 2 } }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 0 }, learningRates: { u: 0.1, W: 0.1 } });
const STANDARD = JSON.stringify({ parameterisation: 'standard', model: { width: 16, outputScale: 0.5 }, data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 0.5, seed: 0 }, learningRates: { u: 0.1, W: 0.1 } });

function run(text: string, args: string[]) {
  const reader: FileReader = { readText: () => text };
  return runCli(['phase', 'f.flab.json', ...args], reader);
}

async function json(text: string, x: string, y: string): Promise<{ x: Record<string, unknown>; y: Record<string, unknown> }> {
  const out = await run(text, ['--x', x, '--y', y, '--size', '4', '--json']);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout);
}

test('--json: a width-powered axis gives the file\'s base as current (1 for a left-out outputScale under ntk) and its width power', async () => {
  const j = await json(NTK, 'model.outputScale=0.01:100', 'learningRates.u=0.01:1');
  assert.equal(j.x.current, 1);
  assert.deepEqual(j.x.widthPower, { exponent: -0.5, width: 1024 });
  assert.equal(j.y.current, 0.1);
  assert.equal(j.y.widthPower, null);
});

test('--json: a file without outputScale and without width powers has current γ = 1 (the ring is drawn)', async () => {
  const j = await json(NO_GAMMA, 'model.outputScale=0.01:100', 'learningRates.u=0.01:1');
  assert.equal(j.x.current, 1);
  assert.equal(j.x.widthPower, null);
});

test('--json: an explicit { widthExponent, base } is the base; exponent 0 (standard\'s γ) is no width power, σ_u under standard is one', async () => {
  const e = await json(EXPLICIT, 'model.outputScale=0.1:10', 'init.scaleU=0.1:1');
  assert.equal(e.x.current, 2);
  assert.deepEqual(e.x.widthPower, { exponent: -1, width: 64 });
  assert.equal(e.y.widthPower, null);
  const s = await json(STANDARD, 'model.outputScale=0.1:10', 'init.scaleU=0.1:10');
  assert.equal(s.x.current, 0.5);
  assert.equal(s.x.widthPower, null);
  assert.equal(s.y.current, 1);
  assert.deepEqual(s.y.widthPower, { exponent: -0.5, width: 16 });
});

test('--svg: the axis is named as the base with what the cells compute, the legend says it, the experiment is ringed', async () => {
  const out = await run(NTK, ['--x', 'model.outputScale=0.01:100', '--y', 'learningRates.u=0.01:1', '--size', '8', '--svg', '-']);
  assert.equal(out.code, 0, out.stderr);
  const svg = out.stdout;
  assert.ok(svg.includes('>output scale base b (γ = b·d^(−1/2); model.outputScale)</text>'), 'x axis title');
  assert.ok(!svg.includes('output scale γ (model.outputScale)'), 'no axis named γ');
  assert.ok(svg.includes('>learning rate η_u (learningRates.u)</text>'), 'y axis title as before');
  const legend = [...svg.matchAll(/<text x="560"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
  assert.ok(legend.includes('output scale axis: each value is the base b; the cells compute with γ = b·d^(−1/2), d = 1,024 (the file\'s width)'), legend);
  assert.ok(svg.includes('this experiment'), 'ring in the legend');
  assert.equal((svg.match(/<circle /g) ?? []).length, 3, 'the ring (two circles) and its legend entry');
});

test('--svg: with the width as the other axis, the note says d is each cell\'s width', async () => {
  const out = await run(NTK, ['--x', 'model.outputScale=0.01:100', '--y', 'model.width=16:256', '--size', '4', '--svg', '-']);
  assert.equal(out.code, 0, out.stderr);
  const legend = [...out.stdout.matchAll(/<text x="560"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
  assert.ok(legend.includes('γ = b·d^(−1/2), d each cell\'s width'), legend);
});

test('the panel\'s figure (Export Chart) names the axis as the base too', () => {
  const e = parseExperiment(NTK).experiment!;
  const x = { key: 'model.outputScale', from: 0.01, to: 100, scale: 'log' as const };
  const y = { key: 'learningRates.u', from: 0.01, to: 1, scale: 'log' as const };
  const d = encodePhase(phaseDiagramSync(e, x, y, 4), x, y, 'ntk', 0);
  assert.deepEqual(d.x.widthPower, { exponent: -0.5, width: 1024 });
  const svg = diagramSvg({ ...d, version: 1 });
  assert.ok(svg.includes('output scale base b (γ = b·d^(−1/2); model.outputScale)'));
});

test('the axis picker: "now" and the default range are the base, and it says what they are the base of', () => {
  const gamma = axisCandidates(NTK).find((c) => c.path === 'model.outputScale')!;
  assert.equal(gamma.current, 1);
  assert.deepEqual([gamma.range.from, gamma.range.to], [0.001, 1000]);
  assert.equal(candidateNow(gamma), 'now base 1 (γ = 1·d^(−1/2) = 0.03125 at d = 1024)');
  assert.equal(candidateRangeOf(gamma), ' — the base b of γ = b·d^(−1/2)');
  const rate = axisCandidates(NTK).find((c) => c.path === 'learningRates.u')!;
  assert.equal(candidateNow(rate), 'now 0.1');
  assert.equal(candidateRangeOf(rate), '');
  const plain = axisCandidates(NO_GAMMA).find((c) => c.path === 'model.outputScale')!;
  assert.equal(candidateNow(plain), 'now 1');
});

/**
 * A phase axis written as the path into the base, `model.outputScale.base` (a session's closing note,
 * 2026-12-03): the cells took its values as bases, but every label said the raw key — `path`
 * "model.outputScale.base", `widthPower` null, the figure's axis "model.outputScale.base" and no legend
 * note — the axis redrew the weights per value, and `--y model.outputScale` beside it was taken. Now it is
 * the axis over model.outputScale, as the width-powered axis is; its `key` is as given.
 */
test('an axis over model.outputScale.base is the width-powered axis over model.outputScale, labelled as one', async () => {
  const e = await json(EXPLICIT, 'model.outputScale.base=0.1:10', 'init.scaleU=0.1:1');
  assert.equal(e.x.key, 'model.outputScale.base');
  assert.equal(e.x.path, 'model.outputScale');
  assert.equal(e.x.current, 2);
  assert.deepEqual(e.x.widthPower, { exponent: -1, width: 64 });
  // The same cells as the axis over model.outputScale.
  const direct = await run(EXPLICIT, ['--x', 'model.outputScale=0.1:10', '--y', 'init.scaleU=0.1:1', '--size', '4', '--json']);
  const viaBase = await run(EXPLICIT, ['--x', 'model.outputScale.base=0.1:10', '--y', 'init.scaleU=0.1:1', '--size', '4', '--json']);
  const cells = (s: string) => { const j = JSON.parse(s); return [j.label, j.scores]; };
  assert.deepEqual(cells(viaBase.stdout), cells(direct.stdout));
  // Under a parameterisation the plain number is the base: its `.base` path is the key too (it was refused: "missing the required key widthExponent").
  const n = await json(NTK, 'model.outputScale.base=0.01:100', 'learningRates.u=0.01:1');
  assert.equal(n.x.path, 'model.outputScale');
  assert.deepEqual(n.x.widthPower, { exponent: -0.5, width: 1024 });
  const svg = await run(EXPLICIT, ['--x', 'model.outputScale.base=0.1:10', '--y', 'init.scaleU=0.1:1', '--size', '4', '--svg', '-']);
  assert.equal(svg.code, 0, svg.stderr);
  assert.ok(svg.stdout.includes('>output scale base b (γ = b·d^(−1); model.outputScale)</text>'), 'x axis title');
  const legend = [...svg.stdout.matchAll(/<text x="560"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ');
  assert.ok(legend.includes('output scale axis: each value is the base b; the cells compute with γ = b·d^(−1), d = 64 (the file\'s width)'), legend);
  const csv = await run(EXPLICIT, ['--x', 'model.outputScale.base=0.1:10', '--y', 'init.scaleU=0.1:1', '--size', '2', '--csv']);
  assert.equal(csv.stdout, (await run(EXPLICIT, ['--x', 'model.outputScale=0.1:10', '--y', 'init.scaleU=0.1:1', '--size', '2', '--csv'])).stdout);
});

test('an axis over model.outputScale.base beside one over model.outputScale is refused: both name one key', async () => {
  const out = await run(EXPLICIT, ['--x', 'model.outputScale.base=0.1:10', '--y', 'model.outputScale=0.1:1', '--size', '4', '--json']);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /--x and --y both name model\.outputScale \(model\.outputScale\.base is its base\)/);
});

test('the panel\'s diagram over model.outputScale.base (a typed key, or the command\'s argument) is labelled as the base of γ', () => {
  const e = parseExperiment(EXPLICIT).experiment!;
  const x = { key: 'model.outputScale.base', from: 0.1, to: 10, scale: 'log' as const };
  const y = { key: 'learningRates.u', from: 0.01, to: 1, scale: 'log' as const };
  const d = encodePhase(phaseDiagramSync(e, x, y, 4), x, y, 'explicit', 0);
  assert.equal(d.x.path, 'model.outputScale');
  assert.deepEqual(d.x.widthPower, { exponent: -1, width: 64 });
  assert.ok(diagramSvg({ ...d, version: 1 }).includes('output scale base b (γ = b·d^(−1); model.outputScale)'));
});

test('a sweep over model.outputScale.base is the sweep of model.outputScale\'s base, said so as that sweep is', async () => {
  const text = JSON.stringify({ ...JSON.parse(EXPLICIT), sweep: { 'model.outputScale.base': [0.5, 2] } });
  const e = parseExperiment(text).experiment!;
  assert.deepEqual(e.sweep, { key: 'model.outputScale.base', path: 'model.outputScale', values: [0.5, 2] });
  const reader: FileReader = { readText: () => text };
  const out = await runCli(['sweep', 'f.flab.json', '--summary'], reader);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout).widthPower, { exponent: -1, width: 64 });
  const table = await runCli(['sweep', 'f.flab.json', '--table'], reader);
  assert.match(table.stdout, /^model\.outputScale base b \(γ = b·d\^\(−1\)\) +status/);
});

/**
 * `widthPower.width` with the width as the other axis (a session's closing note, 2026-12-03): it said 1024,
 * the file's model.width, which no cell used — each cell computes with its own d, its row's (or
 * column's) width. Now `width` is null there and `widthAxis` names the axis whose values are d.
 */
test('--json: a width-powered axis beside a width axis has width null and names that axis as d', async () => {
  const j = await json(NTK, 'model.outputScale=0.01:100', 'model.width=16:256');
  assert.deepEqual(j.x.widthPower, { exponent: -0.5, width: null, widthAxis: 'y' });
  assert.equal(j.y.widthPower, null);
  const t = await json(NTK, 'model.width=16:256', 'model.outputScale=0.01:100');
  assert.deepEqual(t.y.widthPower, { exponent: -0.5, width: null, widthAxis: 'x' });
  // Beside any other axis, d is the file's width, as before.
  assert.deepEqual((await json(NTK, 'model.outputScale=0.01:100', 'init.seed=1:4')).x.widthPower, { exponent: -0.5, width: 1024 });
  // The panel's diagram carries the same.
  const e = parseExperiment(NTK).experiment!;
  const x = { key: 'model.outputScale', from: 0.01, to: 100, scale: 'log' as const };
  const y = { key: 'model.width', from: 16, to: 256, scale: 'log' as const };
  assert.deepEqual(encodePhase(phaseDiagramSync(e, x, y, 3), x, y, 'ntk', 0).x.widthPower, { exponent: -0.5, width: null, widthAxis: 'y' });
});

/**
 * `--csv` of a width-powered axis (a session's closing note, 2026-12-03): the header said
 * `model.outputScale`, and nothing in the CSV said its values were bases — only the JSON's `widthPower`
 * did. Now the column is headed `model.outputScale.base`; an axis of values keeps its key. So does the
 * panel's Export Data (phaseCsv) and a sweep's `--csv`.
 */
test('--csv: an axis of bases is headed KEY.base, an axis of values by its key', async () => {
  const out = await run(NTK, ['--x', 'model.outputScale=0.01:100', '--y', 'learningRates.u=0.01:1', '--size', '2', '--csv']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout.split('\n')[0].split(',').slice(0, 3).join(','), 'model.outputScale.base,learningRates.u,label');
  const plain = await run(NO_GAMMA, ['--x', 'model.outputScale=0.01:100', '--y', 'learningRates.u=0.01:1', '--size', '2', '--csv']);
  assert.equal(plain.stdout.split('\n')[0].split(',').slice(0, 2).join(','), 'model.outputScale,learningRates.u');
  const s = await run(STANDARD, ['--x', 'model.outputScale=0.1:10', '--y', 'init.scaleU=0.1:10', '--size', '2', '--csv', '--descent']);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout.split('\n')[0].split(',').slice(0, 2).join(','), 'model.outputScale,init.scaleU.base', 'standard: γ a value, σ_u a base');
  // The panel's Export Data writes phaseCsv of the same diagram.
  const e = parseExperiment(NTK).experiment!;
  const x = { key: 'model.outputScale', from: 0.01, to: 100, scale: 'log' as const };
  const y = { key: 'learningRates.u', from: 0.01, to: 1, scale: 'log' as const };
  assert.ok(phaseCsv(phaseDiagramSync(e, x, y, 2)).startsWith('model.outputScale.base,learningRates.u,'));
});

test('flab sweep --csv of a width-powered key heads the swept column KEY.base', async () => {
  const reader: FileReader = { readText: () => JSON.stringify({ ...JSON.parse(EXPLICIT), sweep: { 'model.outputScale': [0.5, 2] } }) };
  const out = await runCli(['sweep', 'f.flab.json', '--csv'], reader);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^model\.outputScale\.base,t,/);
  const plain: FileReader = { readText: () => JSON.stringify({ ...JSON.parse(NO_GAMMA), sweep: { 'model.outputScale': [0.5, 2] } }) };
  assert.match((await runCli(['sweep', 'f.flab.json', '--csv'], plain)).stdout, /^model\.outputScale,t,/);
});

/**
 * A path into a part of a width power the file does not write (found beside a session's closing note on such axes, of
 * 2026-12-03): `model.outputScale.widthExponent` over a file with `"outputScale": 0.5` ran every cell
 * (and every sweep run) with `{ "widthExponent": v }`, of base 1 — γ = 1·d^v, the file's 0.5 dropped,
 * nothing said; `model.outputScale.base` there was refused per cell ("missing the required key
 * widthExponent"). Now both are refused before any cell, saying what the path names and what to write.
 */
const PLAIN = JSON.stringify({ model: { width: 64, outputScale: 0.5 }, data: { x: [1], y: 1 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 0 }, learningRates: { u: 0.1, W: 0.1 } });

test('a path into the exponent or base of a key the file writes as a number is refused, not run with base 1', async () => {
  const exp = await run(PLAIN, ['--x', 'model.outputScale.widthExponent=-1:0', '--y', 'learningRates.u=0.01:1', '--linear', '--size', '2', '--json']);
  assert.equal(exp.code, 2);
  assert.match(exp.stderr, /--x: model\.outputScale\.widthExponent is the exponent e of model\.outputScale written as \{ "widthExponent": e, "base": b \}, and this file writes model\.outputScale as a number, the value used: write model\.outputScale as/);
  const base = await run(PLAIN, ['--x', 'model.outputScale.base=0.5:2', '--y', 'learningRates.u=0.01:1', '--size', '2', '--json']);
  assert.equal(base.code, 2);
  assert.match(base.stderr, /--x: model\.outputScale\.base is the base b of model\.outputScale .*: name model\.outputScale itself/);
  // Of a key written as { widthExponent, base }, the exponent is an axis of its own, as before.
  assert.equal((await run(EXPLICIT, ['--x', 'model.outputScale.widthExponent=-1:0', '--y', 'learningRates.u=0.01:1', '--linear', '--size', '2', '--json'])).code, 0);
  // The panel's diagram (a typed key) is refused the same way.
  const e = parseExperiment(PLAIN).experiment!;
  assert.throws(() => phaseDiagramSync(e, { key: 'model.outputScale.widthExponent', from: -1, to: 0, scale: 'linear' }, { key: 'learningRates.u', from: 0.01, to: 1 }, 2), /is the exponent e of model\.outputScale/);
  // A sweep too, located at its key.
  const swept = parseExperiment(JSON.stringify({ ...JSON.parse(PLAIN), sweep: { 'model.outputScale.widthExponent': [-1, 0] } }));
  assert.equal(swept.experiment, null);
  assert.ok(swept.diagnostics.some((d) => d.path === 'sweep.model.outputScale.widthExponent' && /is the exponent e of model\.outputScale/.test(d.message)), JSON.stringify(swept.diagnostics));
});
