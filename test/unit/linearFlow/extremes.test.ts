/**
 * Issue 8: a seeded search over extreme values of every numeric key (1e±300, subnormals, huge and tiny
 * rates, zero scales, long and short times, weight decay), one or two at a time, for the exact solver
 * and gradient descent. Each run either prints only finite numbers (ζ in [−1, 1]) or is refused with an
 * ExperimentError at a JSON path of the file; never another exception, never a hang. A refusal that
 * states the values that work is tried at that value, which must then run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { getNumber, withNumber } from '../../../src/core/experiment/hyperparameters';
import { Rng } from '../../../src/core/math/rng';
import { simulate } from '../../../src/core/runs/simulate';
import { solve } from '../../../src/core/runs/solve';
import { Trajectory } from '../../../src/core/trajectory/trajectory';
import { trajectoryProblems } from '../../reference/compare';

const EXTREMES = [0, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-160, 1e-100, 1e-30, 1e-8, 1, 1e8, 1e30, 1e100, 1e160, 1e200, 1e300, 1.7e308];

type Raw = Record<string, unknown> & { model: { width: number; outputScale: number; activation?: string }; data: { x: number[]; y: number }; init: Record<string, unknown>; learningRates: { u: number; W: number }; time: object; weightDecay?: number };

function baseExperiment(rng: Rng): Raw {
  const pick = <T>(a: T[]): T => a[Math.floor(rng.uniform() * a.length)];
  const explicit = rng.uniform() < 0.3;
  const width = explicit ? 1 + Math.floor(rng.uniform() * 3) : pick([1, 2, 4, 64]);
  const D = 1 + Math.floor(rng.uniform() * 2);
  return {
    model: { width, outputScale: 1 },
    data: { x: Array.from({ length: D }, () => 1), y: 1 },
    init: explicit ? { u: Array.from({ length: width }, () => rng.normal()), W: Array.from({ length: width }, () => Array.from({ length: D }, () => rng.normal())) } : { scaleU: 0.5, scaleW: 0.5, seed: 1 },
    learningRates: { u: 1, W: 1 },
    time: pick([{ points: 20 }, { points: 20, spacing: 'log' }, { end: 5, points: 20 }]),
  };
}

const scaleArray = (a: unknown, v: number): unknown => (Array.isArray(a) ? a.map((x) => scaleArray(x, v)) : (a as number) * v);

const MUTATIONS: [string, (r: Raw, v: number, rng: Rng) => void][] = [
  ['outputScale', (r, v) => (r.model.outputScale = v || 1)],
  ['x', (r, v) => (r.data.x = r.data.x.map(() => v || 1))],
  ['x[0]', (r, v) => (r.data.x[0] = r.data.x.length > 1 || v !== 0 ? v : 1)],
  ['y', (r, v, rng) => (r.data.y = rng.uniform() < 0.5 ? -v : v)],
  ['scaleU', (r, v) => (r.init.scaleU !== undefined ? (r.init.scaleU = v) : (r.init.u = scaleArray(r.init.u, v)))],
  ['scaleW', (r, v) => (r.init.scaleW !== undefined ? (r.init.scaleW = v) : (r.init.W = scaleArray(r.init.W, v)))],
  ['rate u', (r, v) => (r.learningRates.u = v || 1)],
  ['rate W', (r, v) => (r.learningRates.W = v || 1)],
  ['rates', (r, v) => (r.learningRates = { u: v || 1, W: v || 1 })],
  ['weightDecay', (r, v) => (r.weightDecay = v)],
  ['time.end', (r, v) => (r.time = { end: Math.min(v || 1, 1e15), points: 20 })],
];

interface Outcome {
  computed: number;
  refused: number;
  bounds: number;
}

/** One run of `run` on the file text: clean, or refused at a path of the file; returns the refusal. */
function check(text: string, run: (e: NonNullable<ReturnType<typeof parseExperiment>['experiment']>) => Trajectory, what: string, out: Outcome): ExperimentError | null {
  const { experiment } = parseExperiment(text);
  if (!experiment) return null;
  const t0 = performance.now();
  let refusal: ExperimentError | null = null;
  try {
    const t = run(experiment);
    assert.deepEqual(trajectoryProblems(t), [], `${what}\n${text}`);
    out.computed++;
  } catch (e) {
    assert.ok(e instanceof ExperimentError, `${what}: not an ExperimentError: ${(e as Error).stack}\n${text}`);
    assert.equal(typeof e.path, 'string');
    assert.ok(e.message.length > 20 && !/NaN|undefined|\[object/.test(e.message), `${what}: ${e.message}`);
    out.refused++;
    refusal = e;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 4000, `${what}: ${ms.toFixed(0)} ms\n${text}`);
  return refusal;
}

/** When a refusal states "FIELD must be ≤ about X" for a scalar field, the file with FIELD = X runs. */
function tryStatedBound(text: string, e: ExperimentError, run: Parameters<typeof check>[1], out: Outcome): void {
  const m = /must be (?:≤|≥) about ([0-9.e+-]+)/.exec(e.message);
  if (!m || !/^(model\.outputScale|data\.y|init\.scaleU|init\.scaleW|learningRates\.[uW])$/.test(e.path)) return;
  const raw = JSON.parse(text) as unknown;
  const old = getNumber(raw, e.path);
  if (old === undefined) return;
  const value = e.path === 'data.y' ? Math.sign(old) * Number(m[1]) : Number(m[1]);
  const text2 = JSON.stringify(withNumber(raw, e.path, value));
  const again = check(text2, run, `at the stated bound ${e.path} = ${value}`, out);
  // Another field may still be out of range on its own; but not this one.
  if (again) assert.notEqual(again.path, e.path, `${again.message}\n${text2}`);
  out.bounds++;
}

test('the exact solver over 320 seeded files with one or two extreme values: finite output or a located refusal, quickly', () => {
  const rng = new Rng(80808);
  const out: Outcome = { computed: 0, refused: 0, bounds: 0 };
  for (let i = 0; i < 320; i++) {
    const raw = baseExperiment(rng);
    const names: string[] = [];
    for (let m = 0, count = 1 + Math.floor(rng.uniform() * 2); m < count; m++) {
      const [name, mutate] = MUTATIONS[Math.floor(rng.uniform() * MUTATIONS.length)];
      const v = EXTREMES[Math.floor(rng.uniform() * EXTREMES.length)];
      mutate(raw, v, rng);
      names.push(`${name} = ${v}`);
    }
    const text = JSON.stringify(raw);
    const refusal = check(text, solve, `#${i} ${names.join(', ')}`, out);
    if (refusal) tryStatedBound(text, refusal, solve, out);
  }
  assert.ok(out.computed > 120 && out.refused > 40 && out.bounds > 10, JSON.stringify(out));
});

test('gradient descent (the O(1) recursion, and ReLU by the plain loop) over 120 seeded extreme files: finite output or a located refusal', () => {
  const rng = new Rng(90909);
  const out: Outcome = { computed: 0, refused: 0, bounds: 0 };
  for (let i = 0; i < 120; i++) {
    const raw = baseExperiment(rng);
    const [name, mutate] = MUTATIONS[Math.floor(rng.uniform() * (MUTATIONS.length - 1))];
    const v = EXTREMES[Math.floor(rng.uniform() * EXTREMES.length)];
    mutate(raw, v, rng);
    raw.time = { end: 200, points: 21 };
    if (i % 3 === 0) raw.model.activation = 'relu';
    check(JSON.stringify(raw), simulate, `#${i} ${name} = ${v}`, out);
  }
  assert.ok(out.computed > 40 && out.refused > 5, JSON.stringify(out));
});
