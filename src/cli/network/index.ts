/**
 * The work of `flab` on network and checkpoint experiments: training, reading checkpoints, a
 * network's sweep. Every use of TensorFlow.js, ONNX Runtime, the data readers and the checkpoint
 * readers is reached through this module, so that dist/cli.js can leave it out: scripts/build.mjs
 * bundles deferred.ts in its place there, which runs the invocation again with dist/cliNetwork.js
 * (the whole command line), so that the linear model's commands never parse the trainer
 * (docs/architecture.md, "Commands"). Everywhere else (the tests, dist/cliNetwork.js) it is bundled as it is.
 */
export { runCheckpoints } from './checkpoints';
export { runNetworkSweep } from './sweep';
export { runTrain } from './train';
