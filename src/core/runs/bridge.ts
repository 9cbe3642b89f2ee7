/**
 * The bridge (docs/networks.md, "The bridge to the linear model"): a network experiment that is the
 * two-layer linear model — one hidden layer, linear activation, no bias, the squared loss, full-batch
 * SGD without momentum, one regression output, collinear inputs — written as the linear model's own
 * experiment, so that its exact gradient flow (`solve`) and exact gradient descent (`simulate`) can be
 * drawn over the trained curves. W_1 = W (d × D), W_2 = uᵀ; the rates η_1, η_2 are η_W, η_u; the
 * initial weights are the network's θ₀ (whatever its scheme), written explicitly; time counts steps, so
 * the descent at step k and the flow at t = k agree to first order in the rates.
 */
import { Experiment } from '../experiment/experiment';
import { parseExperiment } from '../experiment/parse';
import { Dataset } from '../network/dataset';
import { initialWeights } from '../network/model';
import { layerSizes, NetworkSpec } from '../network/spec';

/**
 * The linear model's experiment that `spec` trained on `train` is, reported at the steps `at`; or why
 * it is not one (the first condition that fails, in words).
 */
export function linearBridge(spec: NetworkSpec, train: Dataset, at: readonly number[]): { experiment: Experiment } | { reason: string } {
  const { model, training } = spec;
  const t = train.targets;
  const why = (reason: string) => ({ reason });
  if (model.hidden.length !== 1) return why(`it has ${model.hidden.length} hidden layers, the linear model one`);
  if (model.activation !== 'linear') return why(`its activation is ${model.activation}, the linear model's is linear`);
  if (model.bias) return why('it has biases, the linear model none');
  if (training.loss !== 'squared') return why('its loss is cross-entropy, the linear model\'s squared');
  if (training.optimizer.kind !== 'sgd' || training.optimizer.momentum !== 0) return why('its optimiser is not plain SGD');
  if (training.batchSize !== 'full' && training.batchSize < train.count) return why('it trains on minibatches, the linear model on the whole set');
  if (t.kind !== 'regression' || t.outputs !== 1) return why('its targets are not one regression output');
  const [etaW, etaU] = training.learningRate;
  if (!(etaW > 0 && etaU > 0)) return why('a learning rate is 0, and the linear model\'s are > 0');
  const D = train.features;
  const d = model.hidden[0];
  const [W1, W2] = initialWeights(spec.init, layerSizes(model, D, 1));
  const W = Array.from({ length: d }, (_, i) => Array.from(W1.data.subarray(i * D, (i + 1) * D)));
  const samples = Array.from({ length: train.count }, (_, s) => ({ x: Array.from(train.x.subarray(s * D, (s + 1) * D)), y: t.values[s] }));
  const source = {
    model: { width: d, outputScale: model.outputScale, activation: 'linear' },
    data: { samples },
    init: { u: Array.from(W2.data), W },
    learningRates: { u: etaU, W: etaW },
    time: { at: [...at] },
    weightDecay: training.weightDecay,
    // The linear model's four thresholds; a network's `distance` is no key of its (its kernel is always exact).
    classify: { kernelChange: spec.classify.kernelChange, tangentChange: spec.classify.tangentChange, zetaChange: spec.classify.zetaChange, balanceChange: spec.classify.balanceChange },
  };
  const { experiment, diagnostics } = parseExperiment(JSON.stringify(source));
  return experiment ? { experiment } : why(`as the linear model: ${diagnostics[0]?.message ?? 'invalid'}`);
}
