/** Gradient descent with the mechanism label of its reported steps. */
import { DescentOptions, gradientDescent } from '../descent/gradientDescent';
import { Experiment } from '../experiment/experiment';
import { classify, thresholdsOf } from '../mechanisms/classify';
import { Trajectory } from '../trajectory/trajectory';
import { assertFinite } from '../trajectory/finite';

/** Gradient descent (src/core/descent/gradientDescent.ts) with the mechanism label of its reported steps. */
export function simulate(e: Experiment, options?: DescentOptions): Trajectory {
  const out = gradientDescent(e, options);
  const scores = out.summary.scores ?? null;
  out.summary.label = scores ? classify(scores, thresholdsOf(e)) : null;
  assertFinite(out);
  return out;
}
