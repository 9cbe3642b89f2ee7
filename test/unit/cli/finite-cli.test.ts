/** `flab simulate` and `flab simulate --reference` as users run them: the built CLI, spawned. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { trajectoryProblems } from '../../reference/compare';
import { Trajectory } from '../../../src/core/trajectory/trajectory';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const DIR = resolve(__dirname, '../../../../.tmp/finite-cli');

function flab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, experiment: object): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, name);
  writeFileSync(path, JSON.stringify(experiment, null, 2));
  return path;
}

const CATAPULT = { model: { width: 50 }, data: { x: [1, 0.5], y: 1.5 }, init: { scaleU: 0.5, scaleW: 0.5, seed: 3 }, learningRates: { u: 0.05, W: 0.08 }, time: { end: 300, points: 31 } };

test('simulate and simulate --reference print the same columns and agree to rounding', () => {
  const path = file('catapult.flab.json', CATAPULT);
  const a = flab('simulate', path);
  const b = flab('simulate', path, '--reference');
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const ra = JSON.parse(a.stdout) as Trajectory;
  const rb = JSON.parse(b.stdout) as Trajectory;
  assert.deepEqual(Object.keys(ra), Object.keys(rb));
  assert.deepEqual(Object.keys(ra.summary).sort(), Object.keys(rb.summary).sort());
  assert.deepEqual(trajectoryProblems(ra), []);
  for (const c of ['output', 'loss', 'normU', 'normW', 'ntk', 'distance'] as const) {
    const scale = Math.max(...rb[c]!.map(Math.abs));
    ra[c]!.forEach((v, k) => assert.ok(Math.abs(v - rb[c]![k]) <= 1e-12 * scale, `${c}[${k}]: ${v} vs ${rb[c]![k]}`));
  }
  assert.deepEqual(ra.summary.catapult && [ra.summary.catapult.fromStep, ra.summary.catapult.toStep], [1, 11]);
  assert.ok(ra.summary.maxStableRateScale! > 1 && ra.summary.maxStableRateScale! < 2);
  const csvA = flab('simulate', path, '--csv');
  const csvB = flab('simulate', path, '--csv', '--reference');
  assert.equal(csvA.stdout.split('\n')[0], csvB.stdout.split('\n')[0]);
});

test('a diverging run exits 0, reports the step and prints only finite numbers', () => {
  const path = file('diverge.flab.json', { ...CATAPULT, learningRates: { u: 0.2, W: 0.3 }, time: { end: 1000, points: 1001 } });
  for (const extra of [[], ['--reference']]) {
    const r = flab('simulate', path, ...extra);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /NaN|Infinity/);
    const t = JSON.parse(r.stdout) as Trajectory;
    assert.ok(t.summary.diverged && t.summary.diverged.step > 0);
    assert.ok(t.t[t.t.length - 1] <= t.summary.diverged.step && t.t[t.t.length - 1] >= t.summary.diverged.step - 1, 'the arrays end at the last finite step');
    assert.equal(t.summary.catapult, null);
  }
});

test('weight decay adds an objective column to --csv; --reference is refused for solve', () => {
  const path = file('decay.flab.json', { ...CATAPULT, learningRates: { u: 0.01, W: 0.02 }, weightDecay: 0.1 });
  for (const cmd of ['solve', 'simulate']) {
    const r = flab(cmd, path, '--csv');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.split('\n')[0], /,objective$/);
  }
  const bad = flab('solve', path, '--reference');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--reference applies to `flab simulate` only/);
  const negative = flab('solve', file('negative.flab.json', { ...CATAPULT, weightDecay: -1 }));
  assert.equal(negative.code, 1);
  assert.match(negative.stderr, /weightDecay/);
});

test('the linear network runs 10⁷ steps by the recursion', () => {
  const path = file('long.flab.json', { ...CATAPULT, model: { width: 2000 }, learningRates: { u: 0.001, W: 0.001 }, time: { end: 10_000_000, points: 11 } });
  const r = flab('simulate', path, '--summary');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).horizon, 10_000_000);
  const plain = flab('simulate', path, '--reference');
  assert.equal(plain.code, 1, 'the plain loop keeps its work limit');
  assert.match(plain.stderr, /exceeds the simulator's limit/);
});
