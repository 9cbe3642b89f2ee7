/**
 * Seeded random experiments for the finite-rate and weight-decay tests (docs/finite-rates.md):
 * the learning rates are set from a wanted initial tangent kernel K₀ per step, so that gradient
 * descent lands where asked — smooth (K₀ < 2), catapult (2 < K₀ ≲ 4) or divergent (K₀ ≫ 4).
 */
import assert from 'node:assert/strict';
import { ExperimentError } from '../../../src/core/experiment/errors';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { Experiment } from '../../../src/core/experiment/experiment';
import { Rng } from '../../../src/core/math/rng';
import { exactFlowOf } from '../../../src/core/linearFlow/reduce';

export interface FiniteRaw {
  model: { width: number; outputScale: number; activation?: string };
  data: { x: number[]; y: number } | { samples: { x: number[]; y: number }[] };
  init: { scaleU: number; scaleW: number; seed: number };
  learningRates: { u: number; W: number };
  weightDecay?: number;
  time: { end: number; points: number };
}

export function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * Math.pow(hi / lo, rng.uniform());
}

/** Parses a raw experiment like a user's file; fails the test on any diagnostic. */
export function experimentOf(raw: object): Experiment {
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), [], 'the generated experiment is valid');
  assert.ok(experiment);
  return experiment;
}

export interface FiniteOptions {
  maxWidth: number;
  /** Range of the initial tangent kernel per step. */
  kernel: [number, number];
  steps: number;
  points: number;
  /** Probability of a weight decay ρ with η_maxρ in [1e-4, 1e-2]. */
  decay: number;
}

/** One random experiment whose rates give an initial kernel K₀ drawn from `kernel` (per step). */
export function randomFinite(rng: Rng, o: FiniteOptions): { raw: FiniteRaw; ntk0: number } {
  const d = Math.max(1, Math.round(logUniform(rng, 1, o.maxWidth)));
  const D = 1 + Math.floor(rng.uniform() * 4);
  const n = Array.from({ length: D }, () => rng.normal());
  const norm = Math.hypot(...n);
  const dir = n.map((v) => v / norm);
  const y = (rng.uniform() < 0.5 ? -1 : 1) * logUniform(rng, 0.1, 3);
  let data: FiniteRaw['data'];
  if (rng.uniform() < 0.3) {
    const count = 2 + Math.floor(rng.uniform() * 4);
    data = { samples: Array.from({ length: count }, () => {
      const a = (rng.uniform() < 0.2 ? -1 : 1) * logUniform(rng, 0.3, 2);
      return { x: dir.map((v) => a * v), y: y * a + 0.3 * rng.normal() };
    }) };
  } else {
    const a = logUniform(rng, 0.3, 3);
    data = { x: dir.map((v) => a * v), y };
  }
  const raw: FiniteRaw = {
    model: { width: d, outputScale: logUniform(rng, 0.3, 3) },
    data,
    init: { scaleU: logUniform(rng, 0.05, 1.5) / Math.sqrt(Math.sqrt(d)), scaleW: logUniform(rng, 0.05, 1.5) / Math.sqrt(Math.sqrt(d)), seed: Math.floor(rng.uniform() * 1e9) },
    learningRates: { u: 1, W: logUniform(rng, 0.05, 20) },
    time: { end: o.steps, points: o.points },
  };
  // K₀ is proportional to a common factor of both rates.
  const base = exactFlowOf(experimentOf(raw)).flow.ntkInitial;
  const target = logUniform(rng, o.kernel[0], o.kernel[1]);
  const scale = target / base;
  raw.learningRates = { u: scale, W: raw.learningRates.W * scale };
  if (rng.uniform() < o.decay) raw.weightDecay = logUniform(rng, 1e-4, 1e-2) / Math.max(raw.learningRates.u, raw.learningRates.W);
  return { raw, ntk0: target };
}

/** Largest |a − b| over a series relative to the series' scale max|b| (Infinity on a null mismatch). */
export function scaledError(a: readonly (number | null)[] | undefined, b: readonly (number | null)[] | undefined): number {
  if (!a || !b) return a === b ? 0 : Infinity;
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  for (const v of b) if (v !== null) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const z = b[k];
    if (x === null || z === null) {
      if (x !== z) return Infinity;
      continue;
    }
    const e = scale > 0 ? Math.abs(x - z) / scale : Math.abs(x - z);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

/** The ExperimentError a run is refused with; fails the test when it runs or throws anything else. */
export function refusal(run: () => unknown): ExperimentError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof ExperimentError, `an ExperimentError, got ${(e as Error).stack}`);
    return e;
  }
  assert.fail('the run was expected to be refused');
}
