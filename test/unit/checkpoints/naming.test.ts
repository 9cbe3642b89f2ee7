import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globBase, naturalCompare, stepFromMetadata, stepFromPath } from '../../../src/core/checkpoints/naming';

test('natural order compares runs of digits as numbers', () => {
  const names = ['step10', 'step2', 'step1', 'layers.10.weight', 'layers.9.weight', 'fc10.weight', 'fc2.weight', 'fc1.weight', 'step02', 'a', 'step'];
  assert.deepEqual(names.slice().sort(naturalCompare), ['a', 'fc1.weight', 'fc2.weight', 'fc10.weight', 'layers.9.weight', 'layers.10.weight', 'step', 'step1', 'step2', 'step02', 'step10']);
  assert.ok(naturalCompare('x99999999999999999999', 'x100000000000000000000') < 0); // beyond 2⁵³ too
  assert.equal(naturalCompare('same', 'same'), 0);
});

test('the step comes from the trailing integer of the file name, else of its folder', () => {
  assert.equal(stepFromPath('/runs/exp1/ckpt_000100.safetensors'), 100);
  assert.equal(stepFromPath('runs/step2.safetensors'), 2);
  assert.equal(stepFromPath('epoch3-step250.safetensors'), 250);
  assert.equal(stepFromPath('/out/checkpoint-500/model.safetensors'), 500); // the Hugging Face Trainer's layout
  assert.equal(stepFromPath('/out/final/model.safetensors'), null);
  assert.equal(stepFromPath('model7b.safetensors'), null); // digits not at the end
  assert.equal(stepFromPath('/out/checkpoint-9007199254740991/model.safetensors'), 9007199254740991); // 2⁵³ − 1
});

test('a step beyond 2⁵³ − 1 in a name or in metadata is refused as such, not as "no step" or "not an integer"', () => {
  const beyond = (digits: string) => `${digits}, beyond 9,007,199,254,740,991 (2⁵³ − 1), the largest step a float64 holds exactly (steps beyond it could not be told apart)`;
  assert.throws(() => stepFromPath('x123456789012345678901.safetensors'), { message: `its name ends in ${beyond('123456789012345678901')}: give the checkpoint a name whose trailing number is its training step, or a metadata "step"` });
  assert.throws(() => stepFromPath('/run/step9007199254740992.safetensors'), /its name ends in 9007199254740992, beyond 9,007,199,254,740,991/);
  assert.throws(() => stepFromPath('/out/checkpoint-9007199254740993/model.safetensors'), /its folder's name ends in 9007199254740993, beyond/);
  assert.throws(() => stepFromMetadata({ step: '9007199254740993' }), { message: `its metadata "step" is ${beyond('9007199254740993')}: write the training step itself` });
});

test('a metadata step must be a non-negative integer', () => {
  assert.equal(stepFromMetadata({ step: '1200' }), 1200);
  assert.equal(stepFromMetadata({ step: ' 7 ' }), 7);
  assert.equal(stepFromMetadata({ format: 'pt' }), undefined);
  assert.throws(() => stepFromMetadata({ step: '-3' }), /its metadata "step" is "-3", not a non-negative integer/);
  assert.throws(() => stepFromMetadata({ step: '1.5' }), /not a non-negative integer/);
  assert.throws(() => stepFromMetadata({ step: '' }), /not a non-negative integer/);
});

test('the folder a glob starts from', () => {
  assert.equal(globBase('runs/exp1/*.safetensors'), 'runs/exp1');
  assert.equal(globBase('out/checkpoint-*/model.safetensors'), 'out');
  assert.equal(globBase('*.safetensors'), '.');
  assert.equal(globBase('/abs/run/ckpt_{1,2}.safetensors'), '/abs/run');
  assert.equal(globBase('/ckpt.safetensors'), '/');
  assert.equal(globBase('run/final.safetensors'), 'run');
});
