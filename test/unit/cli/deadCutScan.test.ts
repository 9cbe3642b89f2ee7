/**
 * A dead-unit scan cut by its work bound (deadUnits.ts, DEAD_SCAN_WORK: samples at a fixed stride) must
 * not call a live network dead (docs/networks.md, "Labels"). Breaker's round of 2026-12-03 (helper J,
 * finding 4): 10,000 samples × 2,000 features, hidden [64], every unit active on sample 1 only, which the
 * stride skipped — "no label: the network is dead from the start … no gradient ever reaches fc1.weight or
 * fc2.weight" while fc1.weight and fc2.weight moved at every step. The same kind, smaller: 4,000 × 1,000,
 * hidden [128] (3,906 samples scanned of 4,000), the active sample one the stride skips; η = 10⁻⁷, which
 * keeps its units alive (a larger step drives them below 0 on that sample too: dead after step 1, rightly).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { npyBytes } from '../network/data/fixtures';
import { DEAD_SCAN_WORK, scannedSample } from '../../../src/core/network/deadUnits';

const { flab, write, dir } = cliFolder('flab-dead-cut-');
const M = 4000;
const F = 1000;
const H = 128;

/** Inputs ≥ 0 with feature 0 zero except on `active`; W_1 = −10⁻³ except column 0 = 1: every unit active on `active` only. */
function files(active: number, extra: object = {}): string {
  const x = new Float32Array(M * F);
  for (let i = 0; i < M * F; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  for (let s = 0; s < M; s++) x[s * F] = 0;
  x[active * F] = 1e4;
  writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [M, F], x));
  writeFileSync(join(dir, 'y.npy'), npyBytes('<i8', [M], Array.from({ length: M }, (_, s) => s % 2)));
  const w1 = Array.from({ length: H }, () => Array.from({ length: F }, (_, j) => (j === 0 ? 1 : -1e-3)));
  const w2 = Array.from({ length: 2 }, (_, o) => Array.from({ length: H }, (_, i) => (((i + 7 * o) % 13) - 6) / 30));
  return write('d.flab.json', { model: { hidden: [H], bias: false }, data: { format: 'npy', trainX: 'x.npy', trainY: 'y.npy', task: 'classes' }, init: { weights: [w1, w2] }, training: { steps: 5, learningRate: 1e-7, ...extra } });
}

const scanned = Math.floor(DEAD_SCAN_WORK / (H * F));
const seen = new Set(Array.from({ length: scanned }, (_, k) => scannedSample(k, scanned, M)));
const skipped = Array.from({ length: M }, (_, s) => s).find((s) => !seen.has(s))!;

interface Summary {
  label: string | null;
  scores: { deadAtStart?: unknown; deadAtEnd?: unknown };
}

test('a network active only on a sample the cut scan skips, whose weights move: labelled, neither dead at the start nor at the end', () => {
  assert.ok(scanned < M && skipped !== undefined, `the scan is cut (${scanned} of ${M}) and skips sample ${skipped}`);
  const r = flab('train', files(skipped), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.scores.deadAtStart ?? null, null);
  assert.equal(s.scores.deadAtEnd ?? null, null);
  assert.notEqual(s.label, null);
  assert.doesNotMatch(r.stderr, /dead from the start|died during training/);
});

test('the same network active on no sample (feature 0 zero everywhere): weights still, the cut scan is confirmed, dead from the start', () => {
  // The active sample made inactive: column 0 is 0 on every sample, the rest of W_1 negative on inputs ≥ 0.
  const file = files(skipped);
  const x = new Float32Array(M * F);
  for (let i = 0; i < M * F; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  for (let s = 0; s < M; s++) x[s * F] = 0;
  writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [M, F], x));
  const r = flab('train', file, '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.label, null);
  assert.ok(s.scores.deadAtStart, 'dead from the start');
  assert.match(r.stderr, /dead from the start/);
});
