/**
 * The training panel chooses a sweep's value for its verdict by default when the file's own value of
 * the swept key is one of the sweep's (docs/networks.md, "The panel"): the host reads that value from
 * the file's header (`experimentHeader`'s `sweep.current`) and the page checks it against the values
 * (`sweepValueOf`). A sweep showed no verdict until a value was chosen.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experimentHeader, parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { sweepValueOf } from '../../../src/protocol/training';

const FILE = (model: string, init: string, sweep: string) => `{
  "model": ${model},
  "data": { "train": { "x": [[0, 1], [1, 0], [1, 1], [0, 0]], "y": [0, 1, 1, 0] } },
  "init": ${init},
  "training": { "learningRate": 0.1, "batchSize": "full", "steps": 6 },
  "sweep": ${sweep}
}
`;

function current(text: string): number | null | undefined {
  const parsed = parseAnyExperiment(text).parsed;
  assert.ok(parsed && parsed.kind === 'network', JSON.stringify(parseAnyExperiment(text).diagnostics));
  return experimentHeader(parsed).sweep?.current;
}

test('the header gives the file\'s own value of the swept key: the number written, a width power\'s base, null when not written', () => {
  const model = '{ "hidden": [8], "activation": "relu" }';
  assert.equal(current(FILE(model, '{ "scheme": "kaiming", "scale": 1, "seed": 1 }', '{ "init.scale": [0.1, 0.3, 1, 3] }')), 1);
  assert.equal(current(FILE('{ "hidden": [64], "activation": "relu" }', '{ "seed": 1 }', '{ "model.hidden[0]": [32, 128] }')), 64);
  assert.equal(current(FILE('{ "hidden": [8], "outputScale": { "widthExponent": -0.5, "base": 2 } }', '{ "seed": 1 }', '{ "model.outputScale": [0.5, 2] }')), 2);
  assert.equal(current(FILE(model, '{ "seed": 1 }', '{ "init.scale": [0.1, 1] }')), null, 'not written');
});

test('sweepValueOf: the sweep\'s value the file\'s is, within a rounding of a computed range; null for none or for a field that is no finite number', () => {
  assert.equal(sweepValueOf([0.1, 0.3, 1, 3], 1), 1);
  assert.equal(sweepValueOf([0.1, 0.30000000000000004, 1], 0.3), 0.30000000000000004);
  assert.equal(sweepValueOf([0.1, 0.3, 1, 3], 2), null);
  assert.equal(sweepValueOf([0.1, 0.3], 0.3000001), null);
  for (const bad of [null, undefined, '1', Number.NaN, Infinity, { base: 1 }]) assert.equal(sweepValueOf([1, 2], bad), null, String(bad));
  assert.equal(sweepValueOf([0, 1], 0), 0);
});
