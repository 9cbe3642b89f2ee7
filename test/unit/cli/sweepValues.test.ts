/**
 * What a sweep's values are and how `flab sweep --table` prints them (a breaker's finding 9, and the
 * weight-decay half of finding 2, 2026-12-03): a repeated value, a range with one end twice, and a
 * range of count 1 that drops its `to` are refused, located; two values that differ print apart;
 * rows scored over different times (t → ∞ without weight decay, up to the run's end with it) say so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tableValues } from '../../../src/cli/output';
import { resolveSweep } from '../../../src/core/experiment/sweepSpec';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const ROOT = resolve(__dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'flab-sweep-values-'));

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** examples/alignment.flab.json with `extra` merged in, written to `name`. */
function alignment(name: string, extra: object): string {
  const e = { ...(JSON.parse(readFileSync(join(ROOT, 'examples/alignment.flab.json'), 'utf8')) as object), ...extra };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(e, null, 2));
  return file;
}

test('a repeated sweep value is refused at its own entry; a range\'s at the sweep key', () => {
  const list = resolveSweep({ 'training.learningRate': [0.1, 0.10000000000000002, 1e-7, 1e-7] }, 'network');
  assert.equal(list.spec, undefined);
  assert.deepEqual(list.problems.map((p) => p.path), ['sweep.training.learningRate[3]']);
  assert.match(list.problems[0].message, /^sweep value 3: 1e-7 repeats value 2 \(1e-7, the same number\)/);
  // A range whose ends are too close for its count at 15 significant digits.
  const close = resolveSweep({ 'data.y': { from: 1, to: 1 + 1e-14, count: 50, scale: 'linear' } });
  assert.deepEqual(close.problems.map((p) => p.path), ['sweep.data.y']);
  assert.match(close.problems[0].message, /repeats value \d+ of the range/);
  // Different values, however close, are not repeats.
  assert.deepEqual(resolveSweep({ 'data.y': [0.1, 0.10000000000000002] }).problems, []);
});

test('a degenerate range is refused at the sweep key, as a phase axis\'s is', () => {
  const same = resolveSweep({ 'data.y': { from: 1, to: 1, count: 3 } });
  assert.deepEqual(same.problems.map((p) => p.path), ['sweep.data.y']);
  assert.match(same.problems[0].message, /a range needs two different ends, got 1 at both: its 3 runs would all have the same value/);
  const one = resolveSweep({ 'data.y': { from: 1, to: 10, count: 1 } });
  assert.deepEqual(one.problems.map((p) => p.path), ['sweep.data.y']);
  assert.match(one.problems[0].message, /a range of count 1 runs only from = 1 and leaves out to = 10/);
  // The CLI says where, and runs nothing.
  const file = alignment('degenerate.flab.json', { sweep: { 'data.y': { from: 1, to: 1, count: 3 } } });
  const r = flab('sweep', file, '--table');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /degenerate\.flab\.json:\d+:\d+: error: sweep\.data\.y: a range needs two different ends/);
});

test('a sweep table prints two different values apart, each with no more digits than it needs', () => {
  assert.deepEqual(tableValues([0.1, 0.10000000000000002, 1e-7, 0.3]), ['0.1', '0.10000000000000002', '1e-7', '0.3']);
  assert.deepEqual(tableValues([1.23456789, 2, 0.001]), ['1.235', '2', '0.001']);
  assert.deepEqual(tableValues([1.00001, 1.00002]), ['1.00001', '1.00002']);
  assert.deepEqual(tableValues([1, 10, 100, 10.00001]), ['1', '10', '100', '10.00001']);
  // A whole number prints whole, as the table's counts: a width of 100000 was keyed 1e5 (2026-12-03).
  assert.deepEqual(tableValues([32, 100000, 123456, 0.5]), ['32', '100000', '123456', '0.5']);
  const file = alignment('near.flab.json', { sweep: { 'learningRates.u': [0.1, 0.10000000000000002] } });
  const r = flab('sweep', file, '--table');
  assert.equal(r.code, 0, r.stderr);
  const firsts = r.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/)[0]);
  assert.deepEqual(firsts, ['0.1', '0.10000000000000002']);
});

test('a sweep over weightDecay says which rows are scored at t → ∞ and which up to the run\'s end', () => {
  const file = alignment('decay.flab.json', { time: { end: 5, points: 50 }, sweep: { weightDecay: [0, 1e-12] } });
  const r = flab('sweep', file, '--table');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /scored over$/);
  assert.match(lines[1], /t → ∞$/);
  assert.match(lines[2], /t ≤ 5$/);
  assert.match(r.stdout, /taken over different times/);
  // One convention: no column, no note.
  const plain = flab('sweep', alignment('plain.flab.json', { sweep: { 'learningRates.u': [0.1, 0.2] } }), '--table');
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /scored over/);
});

test('a sweep table says the rows are scored over different times when their ends differ under one convention', () => {
  // Weight decay, no time.end: each run is scored up to its own default horizon (15,959 and 1,592 here);
  // the column was shown only when t → ∞ and t ≤ END mixed.
  const file = join(dir, 'decay-ends.flab.json');
  writeFileSync(file, JSON.stringify({ model: { width: 8, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, weightDecay: 0.001, sweep: { 'learningRates.u': [0.01, 1] } }));
  const r = flab('sweep', file, '--table');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /scored over$/);
  assert.match(lines[1], /t ≤ 1\.596e4$/);
  assert.match(lines[2], /t ≤ 1592$/);
  assert.match(r.stdout, /taken over different times/);
  // One end for all: no column.
  const same = flab('sweep', alignment('decay-one-end.flab.json', { time: { end: 5, points: 50 }, weightDecay: 0.001, sweep: { 'learningRates.u': [0.1, 0.2] } }), '--table');
  assert.equal(same.code, 0, same.stderr);
  assert.doesNotMatch(same.stdout, /scored over/);
});

test('a sweep over a width-powered key says its values are bases b, in --table, --summary and --json alike', () => {
  // NTK: γ = b·d^(−1/2) at d = 1024, so 0.5 runs γ = 0.0156; no output said the 0.5 was a base.
  const e: Record<string, unknown> = { ...(JSON.parse(readFileSync(join(ROOT, 'examples/width-scaling-ntk.flab.json'), 'utf8')) as Record<string, unknown>), sweep: { outputScale: [0.5, 2] } };
  delete e.$schema;
  const file = join(dir, 'ntk-sweep.flab.json');
  writeFileSync(file, JSON.stringify(e));
  const table = flab('sweep', file, '--table');
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /^model\.outputScale base b \(γ = b·d\^\(−1\/2\)\) +status/);
  assert.match(table.stdout, /\nmodel\.outputScale: each value is the base b; the runs compute with γ = b·d\^\(−1\/2\), d = 1,024 \(the file's width\)\n/);
  for (const format of ['--summary', '--json']) {
    const r = flab('sweep', file, format);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { widthPower: unknown }).widthPower, { exponent: -0.5, width: 1024 }, format);
  }
  // A key that is its value: widthPower null, no note.
  const plain = alignment('plain-power.flab.json', { sweep: { 'learningRates.u': [0.1, 0.2] } });
  assert.equal((JSON.parse(flab('sweep', plain, '--summary').stdout) as { widthPower: unknown }).widthPower, null);
  assert.doesNotMatch(flab('sweep', plain, '--table').stdout, /base b/);
});
