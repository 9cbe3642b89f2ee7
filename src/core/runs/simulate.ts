/** Gradient descent with the mechanism label of its reported steps. */
import { DescentOptions, gradientDescent } from '../descent/gradientDescent';
import { Experiment } from '../experiment/experiment';
import { classify, thresholdsOf } from '../mechanisms/classify';
import { Trajectory } from '../trajectory/trajectory';
import { assertFinite } from '../trajectory/finite';

/**
 * Gradient descent (src/core/descent/gradientDescent.ts) with the mechanism label of its reported steps;
 * null where the run has no scores: it diverged (`summary.diverged`), or its ReLU network is dead at
 * the end (`summary.dead`, src/core/descent/deadUnits.ts — the phase diagram's dead cell).
 */
export function simulate(e: Experiment, options?: DescentOptions): Trajectory {
  const out = gradientDescent(e, options);
  const scores = out.summary.scores ?? null;
  out.summary.label = scores ? classify(scores, thresholdsOf(e)) : null;
  assertFinite(out);
  return out;
}
