/**
 * `flab phase --descent` as users run it (the built bundle, spawned): the JSON's outcome, budget and
 * critical lines (labels and scores null exactly where a run diverged; unsettled cells labelled as
 * `flab simulate` of the cell labels them), the CSV's outcome column, the
 * SVG's outcome legend with each share and the lines, and the work limit refused as bad usage before
 * any cell; the flow's output says where it was scored.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-phase-'));

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RAW = { name: 'descent', model: { width: 64, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 2 }, learningRates: { u: 1, W: 1 }, time: { end: 300 } };
const AXES = ['--x', 'outputScale=0.1:10', '--y', 'learningRates.W=0.01:10'];

test('--descent prints outcome, budget and lines; labels and scores are null exactly where the run diverged', () => {
  const r = flab('phase', write('d.flab.json', RAW), ...AXES, '--size', '24x16', '--descent');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { method: string; budget: number; outcome: string[][]; label: (string | null)[][]; scores: Record<string, (number | null)[][]>; lines: { name: string; ntk: number; segments: number[][] }[]; x: { values: number[] } };
  assert.equal(out.method, 'descent');
  assert.equal(out.budget, 300);
  assert.equal(out.outcome.length, 16);
  assert.equal(out.outcome[0].length, 24);
  const seen = new Set(out.outcome.flat());
  assert.deepEqual([...seen].sort(), ['catapult', 'converged', 'diverged']);
  out.outcome.forEach((row, i) =>
    row.forEach((o, j) => {
      assert.equal(out.label[i][j] === null, o === 'diverged', `(${i}, ${j}) label null iff diverged`);
      assert.equal(out.scores.kernelChange[i][j] === null, o === 'diverged', `(${i}, ${j}) scores null iff diverged`);
    }),
  );
  assert.deepEqual(out.lines.map((l) => [l.name, l.ntk]), [['ηK₀ = 2', 2], ['ηK₀ = 4', 4]]);
  for (const l of out.lines) {
    assert.ok(l.segments.length > 5, `${l.name} crosses the diagram`);
    for (const s of l.segments) assert.ok(s.length === 4 && s.every(Number.isFinite));
  }
  // Descent is the same diagram whatever the format: the CSV has an outcome column in the same cells.
  const csv = flab('phase', write('d.flab.json', RAW), ...AXES, '--size', '24x16', '--descent', '--csv').stdout.trim().split('\n');
  assert.equal(csv[0], 'model.outputScale,learningRates.W,outcome,label,refused,kernelChange,tangentChange,zetaChange,alignment,disalignment,normChangeU,normChangeW,balanceChange,distance,deadStep');
  assert.equal(csv.length, 1 + 24 * 16);
  csv.slice(1).forEach((line, k) => {
    const cells = line.split(',');
    assert.equal(cells[2], out.outcome[Math.floor(k / 24)][k % 24]);
    if (cells[2] === 'diverged') assert.equal(cells[3], '', 'no label');
  });
});

test('--descent --svg draws the outcomes with their shares and the critical lines', () => {
  const file = join(dir, 'd.svg');
  const r = flab('phase', write('d.flab.json', RAW), ...AXES, '--size', '32', '--descent', '--svg', file);
  assert.equal(r.code, 0, r.stderr);
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /gradient descent, 300 steps/);
  for (const name of ['converged', 'catapult', 'diverged']) assert.match(svg, new RegExp(`>${name}</text>\\s*<text[^>]*>\\d+(\\.\\d)? %</text>`), `${name} with its share`);
  assert.match(svg, />ηK₀ = 2</);
  assert.match(svg, />ηK₀ = 4</);
  assert.match(svg, /<path d="M[\d.]+ [\d.]+L/, 'the lines are drawn');
  // The shares add up to the whole diagram.
  const shares = [...svg.matchAll(/>(converged|catapult|unsettled|diverged)<\/text>\s*<text[^>]*>([\d.]+) %</g)].map((m) => Number(m[2]));
  const total = shares.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 100) <= 1.5, `${shares} add up to ${total} %`);
});

test('--descent with a budget that ends mid-run: unsettled cells (finite, above their start) have the label and scores of `flab simulate` of the cell, in JSON, CSV and SVG', () => {
  // Six steps: some catapults have not come down yet and some blow-ups have not happened yet.
  const short = { ...RAW, time: { end: 6 } };
  const r = flab('phase', write('s.flab.json', short), ...AXES, '--size', '24x16', '--descent');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { outcome: string[][]; label: (string | null)[][]; scores: Record<string, (number | null)[][]>; x: { path: string; values: number[] }; y: { path: string; values: number[] } };
  assert.deepEqual([...new Set(out.outcome.flat())].sort(), ['catapult', 'converged', 'diverged', 'unsettled']);
  const cells = out.outcome.flatMap((row, i) => row.map((o, j) => ({ o, i, j }))).filter((c) => c.o === 'unsettled');
  assert.ok(cells.length >= 5, `${cells.length} unsettled cells`);
  for (const { i, j } of cells) {
    assert.notEqual(out.label[i][j], null, `(${i}, ${j}) unsettled has a label`);
    assert.notEqual(out.scores.kernelChange[i][j], null, `(${i}, ${j}) and scores`);
  }
  // Two of them against `flab simulate` of the cell.
  for (const { i, j } of [cells[0], cells[cells.length - 1]]) {
    const cell = { ...short, model: { ...short.model, outputScale: out.x.values[j] }, learningRates: { ...short.learningRates, W: out.y.values[i] } };
    const sim = flab('simulate', write('cell.flab.json', cell), '--summary');
    assert.equal(sim.code, 0, sim.stderr);
    const summary = JSON.parse(sim.stdout) as { diverged: unknown; label: string | null; lossInitial: number; lossFinal: number; scores: Record<string, number | null> };
    assert.equal(summary.diverged, null, `(${i}, ${j}) simulate reports no blow-up`);
    assert.ok(summary.lossFinal > summary.lossInitial, `(${i}, ${j}) its loss ends above its start`);
    assert.equal(out.label[i][j], summary.label, `(${i}, ${j}) the label of simulate`);
    const [a, b] = [out.scores.kernelChange[i][j]!, summary.scores.kernelChange!];
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `(${i}, ${j}) the kernel change of simulate: ${a} vs ${b}`);
  }
  const csv = flab('phase', write('s.flab.json', short), ...AXES, '--size', '24x16', '--descent', '--csv').stdout.trim().split('\n').slice(1);
  const { i, j } = cells[0];
  assert.match(csv[i * 24 + j], new RegExp(`^[^,]+,[^,]+,unsettled,"${out.label[i][j]!.replace('+', '\\+')}",false,`));
  const file = join(dir, 's.svg');
  assert.equal(flab('phase', write('s.flab.json', short), ...AXES, '--size', '24x16', '--descent', '--svg', file).code, 0);
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /fill="#7e3ff2"\/>\s*<text[^>]*>unsettled<\/text>\s*<text[^>]*>\d+(\.\d)? %<\/text>/, 'unsettled in violet with its share');
  assert.match(svg, />catapult<\/text>[\s\S]*>unsettled<\/text>[\s\S]*>diverged<\/text>/, 'between catapult and diverged in the legend');
});

test('the flow says where it was scored; classify.at "end" scores its cells at time.end', () => {
  const flow = JSON.parse(flab('phase', write('f.flab.json', RAW), ...AXES, '--size', '4').stdout) as Record<string, unknown>;
  assert.deepEqual([flow.method, flow.scoredOver, flow.budget, 'outcome' in flow, 'lines' in flow], ['flow', 'infinity', null, false, false]);
  const end = JSON.parse(flab('phase', write('e.flab.json', { ...RAW, classify: { at: 'end' } }), ...AXES, '--size', '4').stdout) as Record<string, unknown>;
  assert.deepEqual([end.scoredOver, end.budget], ['end', 300]);
});

test('the work of a descent diagram is checked before any cell: too many steps in all is bad usage naming --size and time.end', () => {
  const start = performance.now();
  const r = flab('phase', write('big.flab.json', { ...RAW, time: { end: 100000 } }), ...AXES, '--size', '300', '--descent');
  assert.equal(r.code, 2, r.stderr);
  // It advises the largest square that fits (the tester followed the output limit's 953 × 953 into this refusal, which gave none).
  assert.match(r.stderr, /--size 300x300, time\.end: 90000 cells × 100000 gradient-descent steps = 9000000000 steps, over the limit of 2147483648 for one phase diagram \(one to two minutes\): use fewer cells \(at most 146 × 146 at these steps\)/);
  const side = Number(/at most (\d+) × /.exec(r.stderr)![1]);
  assert.ok(side ** 2 * 100000 <= 2 ** 31 && (side + 1) ** 2 * 100000 > 2 ** 31, 'the largest square within the limit (taking it runs two minutes)');
  assert.ok(performance.now() - start < 5000, 'refused at once');
  // A nonlinear network's plain loop is bounded by its multiply-adds.
  const tanh = flab('phase', write('tanh.flab.json', { ...RAW, model: { width: 2000, outputScale: 1, activation: 'tanh' }, time: { end: 10000 } }), ...AXES, '--size', '64', '--descent');
  assert.equal(tanh.code, 2, tanh.stderr);
  assert.match(tanh.stderr, /multiply-adds of the plain gradient-descent loop.*: use fewer cells \(at most \d+ × \d+ at these steps and width\)/);
  // The flow of a nonlinear network is refused at its activation, pointing to --descent.
  const flow = flab('phase', write('tanh.flab.json', { ...RAW, model: { width: 4, outputScale: 1, activation: 'tanh' } }), ...AXES, '--size', '4');
  assert.equal(flow.code, 1);
  assert.match(flow.stderr, /model\.activation.*--descent/s);
});
