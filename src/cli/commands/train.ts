/**
 * `flab train FILE`: trains a network experiment (a file whose `model` has `hidden`) and prints its
 * records (docs/networks.md, "Runs and output"). Its options and help; the work is in
 * src/cli/network/train.ts, which dist/cli.js loads only when it runs (src/cli/network/index.ts).
 */
import { Command } from '../command';
import { formatBytes, MAX_OUTPUT_BYTES } from '../limits';
import { runTrain } from '../network';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a network experiment (its model has "hidden") on its data; print losses, accuracies, layer norms and distances, ζ and ζ_top per pair of layers, the tangent kernel change and the label',
  help: `--json prints one object: step, epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, distance,
kernelChange, tangentChange (one entry per record), layers[] (name, shape, norm, distance),
alignment[] (layers, zeta, zetaTop, zetaError when estimated), network, data, checkpoints and summary; for
a network that is the two-layer linear model (the bridge), exactFlow too: its exact gradient flow at the
records (zeta, loss, norms[]). null where a quantity is not measured at a record or undefined. --csv
flattens the columns (layers[0].norm, alignment[0].zeta, …, the bridge's exactFlow.zeta, exactFlow.loss,
exactFlow.norms[0] last). A file with "sweep" trains as written here; \`flab sweep\` trains once per value. Checkpoints asked
for by training.checkpoints are written. Output at most ${formatBytes(MAX_OUTPUT_BYTES)} (docs/limits.md). Ctrl+C stops the
run at its next step and prints its records so far (summary.status "stopped"; exit 130).`,
  operands: ['FILE'],
  options: [
    { flag: '--json', group: 'format', help: 'the run as one JSON object (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per record, one column per curve (named by its JSON path)' },
    { flag: '--summary', group: 'format', help: 'only the summary object (label, scores, thresholds, best test accuracy, final values) and the data line (data: what was read and kept), as JSON' },
    { flag: '--backend', value: 'auto|onnxruntime|tfjs', help: 'the library that runs the steps (default auto: ONNX Runtime where it loads and a step is one chunk, else TensorFlow.js; summary.backend says which ran)' },
  ],
  run: runTrain,
};
