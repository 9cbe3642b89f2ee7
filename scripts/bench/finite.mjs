// Finite learning rates (issue 5, "Speed"): the O(1)-per-step recursion of docs/finite-rates.md.
import { cli, ms, normalsFloor, sideBySide, writeExperiment } from './util.mjs';

const REPETITIONS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 7);
const STEPS = 100_000;

/** A linear experiment of `width` units (D = 1) whose gradient descent is stable (K₀ ≈ 1 per step). */
function linear(width, steps) {
  return {
    model: { width, outputScale: 1 / Math.sqrt(width) },
    data: { x: [1], y: 1 },
    init: { scaleU: 1, scaleW: 1, seed: 7 },
    learningRates: { u: 0.5, W: 0.5 },
    time: { end: steps, points: 2000 },
  };
}

/** Width 10⁶, 10⁵ steps of `flab simulate` (the recursion, stability bisection included) against drawing the normals. */
async function wideSimulate() {
  const width = 1_000_000;
  const file = writeExperiment('finite-wide', linear(width, STEPS));
  const floor = await normalsFloor(width, 7);
  const [sim, draw] = sideBySide([[cli, 'simulate', file, '--json'], [floor]], REPETITIONS);
  return `width 10⁶, 10⁵ steps, 2,000 points: flab simulate --json ${ms(sim)}, bare Node drawing 2·10⁶ normals ${ms(draw)}: ratio ${(sim / draw).toFixed(2)} (target ≤ 2; median of ${REPETITIONS}, alternating)`;
}

/**
 * Width 10⁴, the same 10⁵ steps by the recursion and by the plain loop (`--reference`). The cost per
 * step is the difference to a 1-step run of the same path (which pays start-up, set-up and printing).
 */
async function recursionVersusPlain() {
  const width = 10_000;
  const long = writeExperiment('finite-1e4', linear(width, STEPS));
  const short = writeExperiment('finite-1e4-short', { ...linear(width, 1), time: { end: 1, points: 2 } });
  const reps = Math.max(3, REPETITIONS - 4);
  const [rec, recShort, plain, plainShort] = sideBySide([[cli, 'simulate', long, '--json'], [cli, 'simulate', short, '--json'], [cli, 'simulate', long, '--reference', '--json'], [cli, 'simulate', short, '--reference', '--json']], reps);
  const perRec = Math.max(rec - recShort, 0) / STEPS;
  const perPlain = Math.max(plain - plainShort, 0) / STEPS;
  const us = (x) => `${(x * 1000).toFixed(3)} µs`;
  return `width 10⁴, 10⁵ steps: recursion ${ms(rec)} (${us(perRec)}/step), plain loop --reference ${ms(plain)} (${us(perPlain)}/step): ratio per step ${(perPlain / Math.max(perRec, 1e-9)).toFixed(0)} (median of ${reps})`;
}

export const sections = [
  { name: 'simulate at width 10⁶ (10⁵ steps) vs drawing the initial normals', run: wideSimulate },
  { name: 'simulate recursion vs --reference plain loop at width 10⁴', run: recursionVersusPlain },
];
