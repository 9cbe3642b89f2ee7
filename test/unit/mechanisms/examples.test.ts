/**
 * The paper's experiments in examples/: every file parses and runs through the real `flab`
 * process, lands in its class, and shows the qualitative claim its description makes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const REPO = process.cwd();
const CLI = join(REPO, 'dist/cli.js');
const EXAMPLES = join(REPO, 'examples');

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed CLI output, checked field by field below
function json(...args: string[]): any {
  const r = flab(...args);
  assert.equal(r.code, 0, `flab ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const example = (name: string): string => join(EXAMPLES, name);

/** The label of every example (its description says why). */
const LABELS: Record<string, string> = {
  'alignment.flab.json': 'alignment',
  'disalignment.flab.json': 'disalignment',
  'kernel.flab.json': 'kernel',
  'mixed-alignment-rescaling.flab.json': 'mixed: alignment+rescaling',
  'rescaling.flab.json': 'rescaling',
  'phase-output-scale-rate.flab.json': 'alignment',
  'width-scaling-mean-field.flab.json': 'alignment',
  'width-scaling-ntk.flab.json': 'kernel',
  'width-scaling-standard.flab.json': 'kernel',
  'zeta-disalignment-linear.flab.json': 'disalignment',
  'zeta-disalignment-relu.flab.json': 'disalignment',
  'zeta-leaky_relu.flab.json': 'alignment',
  'zeta-linear.flab.json': 'alignment',
  'zeta-relu.flab.json': 'alignment',
  'zeta-sigmoid.flab.json': 'kernel',
  'zeta-swish.flab.json': 'alignment',
  'zeta-tanh.flab.json': 'alignment',
};

test('every example parses and runs through the CLI, lands on its label, and says what it shows', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.flab.json'));
  assert.deepEqual(files.sort(), Object.keys(LABELS).sort(), 'every example has its label pinned here');
  for (const f of files) {
    const raw = JSON.parse(readFileSync(example(f), 'utf8'));
    assert.ok(typeof raw.description === 'string' && raw.description.length > 80, `${f} has a description`);
    const command = (raw.model.activation ?? 'linear') === 'linear' ? 'solve' : 'simulate';
    const s = json(command, example(f), '--summary');
    assert.equal(s.label, LABELS[f], f);
    if (raw.compare?.simulate) json('simulate', example(f), '--summary');
    if (raw.sweep) assert.equal(json('sweep', example(f), '--summary').summaries.length, raw.sweep.outputScale.count);
  }
});

test('the four mechanisms land in their class, with the claims of their descriptions', () => {
  const a = json('solve', example('alignment.flab.json'));
  assert.equal(a.summary.label, 'alignment');
  assert.ok(Math.abs(a.summary.zetaInitial) < 0.2 && Math.abs(a.summary.zetaFinal) > 0.99, 'small init: |ζ| rises to nearly 1');
  const d = json('solve', example('disalignment.flab.json'));
  assert.equal(d.summary.label, 'disalignment');
  assert.ok(Math.abs(d.summary.zetaFinal) < Math.abs(d.summary.zetaInitial) / 10, 'large init, small target: |ζ| falls');
  const r = json('solve', example('rescaling.flab.json'));
  assert.equal(r.summary.label, 'rescaling');
  assert.ok(r.zeta.every((z: number) => Math.abs(z - 1) < 1e-12), 'ζ stays 1');
  assert.ok(r.summary.scores.normChangeU > Math.log(4), 'the output weight grows by more than 4×');
  const k = json('solve', example('kernel.flab.json'));
  assert.equal(k.summary.label, 'kernel');
  assert.ok(k.summary.scores.kernelChange < 0.1 * 0.01, 'the kernel changes by far less than its threshold 0.1');
  // In the kernel regime the residual decays as r(0)·e^{−K(0)t}.
  const r0 = k.output[0] - k.summary.effectiveTarget;
  for (const i of [50, 150, 300]) {
    const predicted = r0 * Math.exp(-k.ntk[0] * k.t[i]);
    assert.ok(Math.abs(k.output[i] - k.summary.effectiveTarget - predicted) < 0.01 * Math.abs(r0), `kernel regime residual at t = ${k.t[i]}`);
  }
});

test('ζ(t): gradient descent follows the exact flow for the linear network; ReLU, leaky ReLU, tanh and swish align too', () => {
  const exact = json('solve', example('zeta-linear.flab.json'));
  const gd = json('simulate', example('zeta-linear.flab.json'));
  let worst = 0;
  for (let i = 0; i < gd.t.length; i++) {
    const j = exact.t.indexOf(gd.t[i]);
    if (j >= 0) worst = Math.max(worst, Math.abs(gd.zeta[i] - exact.zeta[j]));
  }
  assert.ok(worst < 0.05, `max |ζ_GD − ζ_flow| = ${worst}`);
  for (const act of ['linear', 'relu', 'leaky_relu', 'tanh', 'swish']) {
    const s = json('simulate', example(`zeta-${act}.flab.json`), '--summary');
    assert.ok(s.zetaFinal > 0.9 && s.zetaInitial < 0.2, `${act}: ζ ${s.zetaInitial} → ${s.zetaFinal}`);
    assert.equal(s.label, 'alignment', act);
  }
  // Sigmoid (σ(0) = ½) fits through the constant feature instead, as its description says.
  assert.ok(json('simulate', example('zeta-sigmoid.flab.json'), '--summary').zetaFinal < 0.2);
  for (const act of ['linear', 'relu']) {
    const s = json('simulate', example(`zeta-disalignment-${act}.flab.json`), '--summary');
    assert.ok(Math.abs(s.zetaFinal) < Math.abs(s.zetaInitial) * 0.6, `${act} disalignment: ${s.zetaInitial} → ${s.zetaFinal}`);
  }
});

test('the label flips across the kernel / feature-learning boundary (output scale sweep, phase diagram)', () => {
  const s = json('sweep', example('phase-output-scale-rate.flab.json'), '--summary');
  const labels: string[] = s.summaries.map((x: { label: string }) => x.label);
  assert.notEqual(labels[0], 'kernel');
  assert.equal(labels[labels.length - 1], 'kernel');
  const flips = labels.filter((l, i) => i > 0 && (l === 'kernel') !== (labels[i - 1] === 'kernel')).length;
  assert.equal(flips, 1, `one boundary: ${labels.join(', ')}`);
  const p = json('phase', example('phase-output-scale-rate.flab.json'), '--x', 'outputScale=1e-3:1e3', '--y', 'learningRates.W=1e-3:1e3', '--size', '24x16');
  assert.equal(p.x.values.length, 24);
  assert.equal(p.y.values.length, 16);
  assert.equal(p.label.length, 16);
  assert.equal(p.label[0].length, 24);
  assert.equal(p.scores.kernelChange.length, 16);
  assert.equal(p.x.path, 'model.outputScale');
  assert.equal(p.x.current, 1);
  const row = p.label[8] as string[];
  assert.notEqual(row[0], 'kernel');
  assert.equal(row[row.length - 1], 'kernel');
});

test('flab phase: CSV, SVG figure, and usage errors', () => {
  const csv = flab('phase', example('alignment.flab.json'), '--x', 'outputScale=0.1:10', '--y', 'scaleU=1e-4:1', '--size', '4', '--csv');
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines.length, 17);
  assert.match(lines[0], /^model\.outputScale,init\.scaleU,label,refused,kernelChange,/);
  const out = join(mkdtempSync(join(tmpdir(), 'flab-phase-')), 'phase.svg');
  const svg = flab('phase', example('alignment.flab.json'), '--x', 'outputScale=1e-3:1e3', '--y', 'init.scaleU=1e-4:1e1', '--size', '64', '--svg', out);
  assert.equal(svg.code, 0, svg.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const word of ['kernel', 'alignment', 'shading: kernel change', 'output scale γ', 'init scale σ_u', '10⁻³', 'this experiment']) assert.ok(text.includes(word), `the figure shows ${word}`);
  const typo = flab('phase', example('alignment.flab.json'), '--x', 'outputScael=1:2', '--y', 'scaleU=1:2');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown hyperparameter `outputScael` — did you mean `model\.outputScale`\?/);
  assert.equal(flab('phase', example('alignment.flab.json'), '--x', 'outputScale=1:2').code, 2);
  assert.equal(flab('phase', example('zeta-relu.flab.json'), '--x', 'outputScale=1:2', '--y', 'scaleU=1:2').code, 1);
});

test('flab scaling: widths, medians, fitted and analytic exponents', () => {
  const r = json('scaling', example('width-scaling-ntk.flab.json'), '--widths', '64:4096', '--seeds', '9');
  assert.deepEqual(r.widths, [64, 128, 256, 512, 1024, 2048, 4096]);
  assert.equal(r.scores.kernelChange.length, 7);
  assert.equal(r.phase, 'kernel');
  assert.equal(r.analytic.kernelChange, -1);
  assert.ok(Math.abs(r.fitted.kernelChange + 1) < 0.15, `fitted ${r.fitted.kernelChange}`);
  const csv = flab('scaling', example('width-scaling-mean-field.flab.json'), '--widths', '64,256,1024', '--csv');
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /^width,kernelChange,/);
  assert.match(csv.stdout, /\nanalytic,0,/);
  assert.equal(flab('scaling', example('rescaling.flab.json')).code, 1); // explicit init: no width scan
  assert.equal(flab('scaling', example('kernel.flab.json'), '--widths', 'lots').code, 2);
});
