/**
 * The network of examples/zeta-relu.flab.json (width 32, relu, σ = 0.05, rates 0.05) at 300 steps without
 * the flow's comparison, for the tests of dead ReLU runs: at its own rates it lives and is labelled; at
 * `DEAD_RATES` one step sends every w_i·x below 0 and it is dead from step 2, its loss ½y² = 0.5.
 */
import assert from 'node:assert/strict';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../src/core/experiment/parse';

export const ZETA_RELU = {
  model: { width: 32, outputScale: 1, activation: 'relu' },
  data: { x: [1], y: 1 },
  init: { scaleU: 0.05, scaleW: 0.05, seed: 2 },
  learningRates: { u: 0.05, W: 0.05 },
  time: { end: 300, points: 31 },
};

/** Rates at which `ZETA_RELU` dies at step 2. */
export const DEAD_RATES = { u: 50, W: 50 };

/** The experiment of a file's JSON value, which must parse without a diagnostic. */
export function parsedExperiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}
