import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STEP_FOLDER_DEPTH, globBase, naturalCompare, shardNameOf, stepFromMetadata, stepFromPath, stepOfPath } from '../../../src/core/checkpoints/naming';

/** The shard a name says it is, as `{ index, total }`, or null. */
function shardOf(path: string): { index: number; total: number } | null {
  const shard = shardNameOf(path);
  return shard ? { index: shard.index, total: shard.total } : null;
}

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
  assert.throws(() => stepFromPath('x123456789012345678901.safetensors'), { message: `its name ends in ${beyond('123456789012345678901')}: name the checkpoint by its training step, or give it a metadata "step"` });
  assert.throws(() => stepFromPath('/run/step9007199254740992.safetensors'), /its name says step 9007199254740992, beyond 9,007,199,254,740,991/);
  assert.throws(() => stepFromPath('/run/epoch=9007199254740992.safetensors'), /its name says epoch 9007199254740992, beyond 9,007,199,254,740,991/);
  assert.throws(() => stepFromPath('/out/checkpoint-9007199254740993/model.safetensors'), /its folder's name says step 9007199254740993, beyond/);
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

test('a step token wins over other numbers in the name: PyTorch Lightning, metrics, versions', () => {
  const at = (name: string) => stepOfPath(`/runs/exp/${name}`);
  // PyTorch Lightning's ModelCheckpoint names, with its version suffix for a name saved twice.
  assert.deepEqual(at('epoch=2-step=300-v1.safetensors'), { step: 300, kind: 'step', where: 'name', token: 'step=300' });
  assert.equal(stepFromPath('epoch=2-step=300.safetensors'), 300);
  assert.equal(stepFromPath('ckpt-epoch=3-step=1200.safetensors'), 1200);
  assert.equal(stepFromPath('epoch=3-step=1200-val_loss=0.25.safetensors'), 1200);
  assert.equal(stepFromPath('epoch=3-step=1200-val_acc=91-v12.safetensors'), 1200);
  // Metrics with decimals are never a step.
  assert.equal(stepFromPath('step1000_acc0.91.safetensors'), 1000);
  assert.equal(stepFromPath('ckpt_1000_acc0.91.safetensors'), 1000);
  assert.equal(stepFromPath('ckpt_1000-loss=3.safetensors'), 1000); // an integer metric too
  assert.equal(stepFromPath('ckpt_lr1e-3_500.safetensors'), 500);
  // Every spelling of a step token, wherever it stands.
  for (const name of ['step=300', 'step300', 'step_300', 'step-300', 'Step300', 'global_step300', 'global_step=300', 'globalstep300', 'iter_300', 'iter300', 'it300', 'it=300', 'iteration-300', 'steps=300', 'model-step300-final', 'step000300-v2']) {
    assert.deepEqual({ name, step: stepFromPath(`${name}.safetensors`) }, { name, step: 300 });
  }
  // A word that only ends in such letters is no token: the name's trailing number counts.
  assert.equal(stepFromPath('substep3_00050.safetensors'), 50);
  assert.equal(stepFromPath('split3.safetensors'), 3);
  // The trailing integer of the old rule still counts when no token says more.
  assert.deepEqual(at('ckpt_000100.safetensors'), { step: 100, kind: 'number', where: 'name', token: '000100' });
  assert.equal(stepFromPath('model.100.safetensors'), 100);
  assert.equal(stepFromPath('ckpt-v3.safetensors'), null); // a version alone says no step
  assert.equal(stepFromPath('/lightning_logs/version_3/model.safetensors'), null); // nor a Lightning run folder
  assert.equal(stepFromPath('/lightning_logs/version_3/ckpt_700.safetensors'), 700);
  assert.equal(stepFromPath('loss=0.25.safetensors'), null);
});

test('an epoch is the step only when no step token is there, and an ambiguous name is refused', () => {
  assert.deepEqual(stepOfPath('/runs/epoch=3.safetensors'), { step: 3, kind: 'epoch', where: 'name', token: 'epoch=3' });
  assert.equal(stepFromPath('/runs/epoch_03-val_loss=0.2-v1.safetensors'), 3);
  assert.equal(stepFromPath('/runs/resnet50_epoch3.safetensors'), 3); // the model's 50 is no step: the name ends in the epoch
  assert.throws(() => stepFromPath('/runs/step=100-global_step=200.safetensors'), { message: 'its name is ambiguous: it says two different steps, "step=100" and "global_step=200" — rename the checkpoint so that one step token says its training step (step=300), or give it a metadata "step"' });
  assert.equal(stepFromPath('/runs/step=100-global_step=0100.safetensors'), 100); // the same step twice is no ambiguity
  assert.throws(() => stepFromPath('/runs/epoch3-epoch4.safetensors'), /it says two different epochs, "epoch3" and "epoch4", and no step/);
  assert.throws(() => stepFromPath('/runs/epoch3-250.safetensors'), /its name is ambiguous: it says "epoch3" and ends in 250, and no step: which is the step is not said/);
  assert.throws(() => stepFromPath('/out/step1-step2/model.safetensors'), /its folder's name is ambiguous/);
});

test('Hugging Face shards: the shard suffix is never a step, the folder gives it', () => {
  assert.deepEqual(shardOf('/out/checkpoint-500/model-00001-of-00002.safetensors'), { index: 1, total: 2 });
  assert.equal(shardOf('/out/checkpoint-500/model.safetensors'), null);
  assert.deepEqual(stepOfPath('/out/checkpoint-500/model-00001-of-00002.safetensors'), { step: 500, kind: 'step', where: 'folder', token: 'checkpoint-500' });
  assert.equal(stepFromPath('/out/checkpoint-500/model-00002-of-00002.safetensors'), 500);
  assert.equal(stepFromPath('/out/checkpoint-500/model-00001-of-00001.safetensors'), 500);
  assert.equal(stepFromPath('/ds/global_step500/model-00001-of-00002.safetensors'), 500); // DeepSpeed's folders
  assert.equal(stepFromPath('/out/final/model-00001-of-00002.safetensors'), null);
  // Four digits or more, of one width, is a shard; "step 100 of 200" is a step.
  assert.equal(shardOf('/run/step_100-of-200.safetensors'), null);
  assert.equal(stepFromPath('/run/step_100-of-200.safetensors'), 100);
  assert.equal(stepFromPath('/run/step-100-of-200.safetensors'), 100);
});

test('a step token of the folder wins over the number the file name ends in (Accelerate\'s model_1, DeepSpeed\'s rank0)', () => {
  for (const step of [500, 1000, 1500]) assert.deepEqual(stepOfPath(`/d/checkpoint-${step}/model_1.safetensors`), { step, kind: 'step', where: 'folder', token: `checkpoint-${step}` });
  assert.deepEqual(stepOfPath('/d/step_500/rank0.safetensors'), { step: 500, kind: 'step', where: 'folder', token: 'step_500' });
  assert.equal(stepFromPath('/d/global_step500/rank1.safetensors'), 500);
  assert.equal(stepFromPath('/d/checkpoint_500/model_1.safetensors'), 500);
  assert.equal(stepFromPath('/d/step_500/epoch3.safetensors'), 500); // a step token wins over an epoch, as in one name
  // The file name's own step token still wins, and a folder's bare number does not beat the name's.
  assert.equal(stepFromPath('/d/checkpoint-500/step_7.safetensors'), 7);
  assert.equal(stepFromPath('/d/run_5/ckpt_100.safetensors'), 100);
  assert.equal(stepFromPath('/d/my-checkpoint-500/model_1.safetensors'), 1); // not the Trainer's folder: its name is not checkpoint-<digits> whole
  // A folder that cannot say a step does not refuse a file whose name says one.
  assert.equal(stepFromPath('/d/step1-step2/model_3.safetensors'), 3);
  assert.throws(() => stepFromPath('/d/step1-step2/model.safetensors'), /its folder's name is ambiguous/);
});

test('a four-digit shard suffix of one width is a shard, never a step', () => {
  assert.deepEqual(shardOf('/d/checkpoint-500/model-0001-of-0002.safetensors'), { index: 1, total: 2 });
  assert.equal(stepFromPath('/d/checkpoint-500/model-0001-of-0002.safetensors'), 500);
  assert.equal(stepFromPath('/d/checkpoint-500/model-0002-of-0002.safetensors'), 500);
  assert.equal(stepFromPath('/d/final/model-0001-of-0002.safetensors'), null);
  // Widths that differ, or fewer than four digits, are no shard suffix.
  assert.equal(shardOf('/d/model-0001-of-00002.safetensors'), null);
  assert.equal(shardOf('/d/model-001-of-002.safetensors'), null);
  assert.equal(stepFromPath('/d/step-1000-of-2000.safetensors'), 1000); // a step word before it: step 1000 of 2000
  assert.equal(shardOf('/d/step-1000-of-2000.safetensors'), null);
});

test('a negative step in a name is refused, not read as its absolute value', () => {
  const negative = (whose: string, token: string) => ({ message: `${whose} says a negative step, "${token}": a training step counts from 0 — name the checkpoint by its training step (step_300), or give it a metadata "step"` });
  assert.throws(() => stepFromPath('/r/step_-5.safetensors'), negative('its name', 'step_-5'));
  assert.throws(() => stepFromPath('/r/step=-5.safetensors'), negative('its name', 'step=-5'));
  assert.throws(() => stepFromPath('/r/global_step--5.safetensors'), negative('its name', 'global_step--5'));
  assert.throws(() => stepFromPath('/r/ckpt_-5.safetensors'), negative('its name', '-5'));
  assert.throws(() => stepFromPath('/r/step_-5/model.safetensors'), negative("its folder's name", 'step_-5'));
  // A hyphen is a separator, and a metric's minus sign is a metric's.
  assert.equal(stepFromPath('/r/step-5.safetensors'), 5);
  assert.equal(stepFromPath('/r/ckpt-5.safetensors'), 5);
  assert.equal(stepFromPath('/r/step=3-val_loss=-0.5.safetensors'), 3);
});

test('a date in a name is never a step: refused when nothing else says one, set aside when something does', () => {
  const refused = (path: string, date: string, whose = 'its name') =>
    assert.throws(() => stepOfPath(path), (err: Error) => {
      assert.match(err.message, new RegExp(`^${whose} holds a date, "${date.replace(/[.]/g, '\\.')}", and nothing else that says a step: a date is never read as a step`));
      assert.match(err.message, /name the checkpoint by its training step, beside the date if you like \(ckpt-2024-05-01-step-300, step_300\), give it a metadata "step", or save it in a folder that says the step \(checkpoint-300\/, step_300\/\)/);
      return true;
    });
  // Each read as a step until the date rule: 1, 20240501, 0 and 1.
  refused('/runs/ckpt-2024-05-01.safetensors', '2024-05-01');
  refused('/runs/run_20240501.safetensors', '20240501');
  refused('/runs/2024-05-01T12-30-00.safetensors', '2024-05-01T12-30-00');
  refused('/runs/model_2024_05_01.safetensors', '2024_05_01');
  refused('/runs/run_20240501_123000.safetensors', '20240501_123000'); // strftime's %Y%m%d_%H%M%S
  refused('/runs/ckpt_2024-05-01T12:30:00Z.safetensors', '2024-05-01T12:30:00Z');
  refused('/runs/2024.05.01.safetensors', '2024.05.01');
  refused('/runs/ckpt_20240229.safetensors', '20240229'); // a leap day
  refused('/runs/ckpt-01-05-2024.safetensors', '01-05-2024'); // the year last: day and month in either order
  refused('/runs/ckpt_12_31_2023.safetensors', '12_31_2023');
  refused('/runs/ckpt.31.12.2023.safetensors', '31.12.2023');
  refused('/runs/2024-05-01/model.safetensors', '2024-05-01', "its folder's name");
  // A dated name takes no number or epoch from its folder: exp1 is a run, not step 1 of every day.
  refused('/runs/exp1/ckpt-2024-05-01.safetensors', '2024-05-01');
  refused('/runs/epoch_2/ckpt-2024-05-01.safetensors', '2024-05-01');
  // A step token beside the date is the step.
  assert.deepEqual(stepOfPath('/runs/ckpt-2024-05-01-step-300.safetensors'), { step: 300, kind: 'step', where: 'name', token: 'step-300' });
  assert.equal(stepFromPath('/runs/2024-05-01_12-30-00_step300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/run_20240501/step_5.safetensors'), 5);
  // So is the folder's step, and a number or an epoch the name says beside the date.
  assert.deepEqual(stepOfPath('/out/checkpoint-500/model_2024-05-01.safetensors'), { step: 500, kind: 'step', where: 'folder', token: 'checkpoint-500' });
  assert.equal(stepFromPath('/runs/2024-05-01/ckpt_100.safetensors'), 100);
  assert.equal(stepFromPath('/runs/run_2024-05-01_100.safetensors'), 100);
  assert.deepEqual(stepOfPath('/runs/epoch_3_2024-05-01.safetensors'), { step: 3, kind: 'epoch', where: 'name', token: 'epoch_3' });
  // Not a date: no such month or day, a year outside 1970–2100, a longer run of digits; a step token's own digits.
  assert.equal(stepFromPath('/runs/ckpt_20241399.safetensors'), 20241399);
  assert.equal(stepFromPath('/runs/ckpt_20230229.safetensors'), 20230229); // 2023 is no leap year
  assert.equal(stepFromPath('/runs/ckpt_19690101.safetensors'), 19690101);
  assert.equal(stepFromPath('/runs/ckpt_120240501.safetensors'), 120240501);
  assert.equal(stepFromPath('/runs/ckpt_2024.safetensors'), 2024);
  assert.equal(stepFromPath('/runs/ckpt-13-13-2024.safetensors'), 2024); // no month 13 either way
  assert.equal(stepFromPath('/runs/ckpt-01-05-2024-step-7.safetensors'), 7);
  assert.equal(stepFromPath('/runs/step_20240501.safetensors'), 20240501);
  assert.equal(stepFromPath('/runs/global_step20240501/model.safetensors'), 20240501);
});

test('a time of day without seconds or with a zone belongs to the date, and short dates are dates: never a step', () => {
  const refused = (path: string, date: string) =>
    assert.throws(() => stepOfPath(path), (err: Error) => err.message.startsWith(`its name holds a date, "${date}", and nothing else that says a step`), path);
  // Read as steps 50, 0, 30 and 30 until 2026-12-03 (the minutes, or the zone's minutes): isoformat(timespec="minutes"), astimezone().isoformat().
  refused('/runs/run_2024-05-01T10:50.safetensors', '2024-05-01T10:50');
  refused('/runs/run_2024-05-01T10:00:00+02:00.safetensors', '2024-05-01T10:00:00+02:00');
  refused('/runs/run_2024-05-01_12-30.safetensors', '2024-05-01_12-30');
  refused('/runs/run_2024-05-01T12:30:00.123456+05:30.safetensors', '2024-05-01T12:30:00.123456+05:30');
  refused('/runs/run_2024-05-01T10:50-0500.safetensors', '2024-05-01T10:50-0500');
  refused('/runs/run_2024-05-01T1050Z.safetensors', '2024-05-01T1050Z');
  refused('/runs/run_2024-05-01T10:50+02.safetensors', '2024-05-01T10:50+02');
  // Short dates: read as 1, 24 and 18.
  refused('/runs/ckpt_2024-5-1.safetensors', '2024-5-1');
  refused('/runs/ckpt-01.05.24.safetensors', '01.05.24');
  refused('/runs/run-2024-W18.safetensors', '2024-W18');
  // With a step token beside them, the step token.
  assert.equal(stepFromPath('/runs/ckpt_2024-05-01T10:50+02:00_step_7.safetensors'), 7);
  assert.equal(stepFromPath('/runs/run_2024-5-1_step300.safetensors'), 300);
  // Not dates: HHMM after "_" (only after T), a sign and digits after a time written with neither T nor ":", a step token's digits, YYMMDD.
  assert.equal(stepFromPath('/runs/run_2024-05-01_1230.safetensors'), 1230);
  assert.equal(stepFromPath('/runs/run_2024-05-01_100.safetensors'), 100);
  assert.equal(stepFromPath('/runs/step_2000-1-5.safetensors'), 2000);
  assert.equal(stepFromPath('/runs/ckpt_240501.safetensors'), 240501);
});

test('a Unix time in a name is never a step: 10, 13, 16 or 19 digits within 2001–2100 are seconds, milliseconds, microseconds or nanoseconds since 1970', () => {
  const refused = (path: string, time: string, unix: string, whose = 'its name') =>
    assert.throws(
      () => stepOfPath(path),
      (err: Error) => {
        assert.ok(err.message.startsWith(`${whose} holds a Unix time, "${time}" (${unix}), and nothing else that says a step`), err.message);
        assert.match(err.message, /give it a metadata "step", or save it in a folder that says the step \(checkpoint-300\/, step_300\/\)/);
        return true;
      },
      path,
    );
  // Each read as a step until 2026-12-03: 1,717,000,000, 1,717,000,000,123, and so on.
  refused('/runs/ckpt_1717000000.safetensors', '1717000000', 'seconds since 1970: 2024-05-29T16:26:40Z');
  refused('/runs/ckpt_1717000000123.safetensors', '1717000000123', 'milliseconds since 1970: 2024-05-29T16:26:40.123Z');
  refused('/runs/ckpt_1717000000123456.safetensors', '1717000000123456', 'microseconds since 1970: 2024-05-29T16:26:40.123Z');
  refused('/runs/ckpt_1717000000123456789.safetensors', '1717000000123456789', 'nanoseconds since 1970: 2024-05-29T16:26:40.123Z'); // was refused as beyond 2⁵³ − 1
  refused('/runs/ckpt_1717000000.5.safetensors', '1717000000.5', 'seconds since 1970: 2024-05-29T16:26:40Z'); // time.time(), with its fraction
  refused('/runs/1717000000/model.safetensors', '1717000000', 'seconds since 1970: 2024-05-29T16:26:40Z', "its folder's name");
  refused('/runs/exp1/ckpt_1717000000.safetensors', '1717000000', 'seconds since 1970: 2024-05-29T16:26:40Z'); // not step 1 of every time
  // Beside a step, or after a step word, the step: a step token's digits are a step, however many.
  assert.equal(stepFromPath('/runs/ckpt_1717000000_step300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/ckpt_1717000000_300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/step_1717000000.safetensors'), 1717000000);
  assert.equal(stepFromPath('/runs/global_step1717000000/model.safetensors'), 1717000000);
  assert.equal(stepFromPath('/out/checkpoint-1717000000/model.safetensors'), 1717000000);
  assert.equal(stepFromPath('/out/checkpoint-500/ckpt_1717000000.safetensors'), 500);
  assert.equal(stepFromPath('/runs/ckpt_1717000000-epoch3.safetensors'), 3);
  // Not a time: other counts of digits, a leading zero, beyond 2100, inside a longer run.
  assert.equal(stepFromPath('/runs/ckpt_171700000.safetensors'), 171700000); // 9 digits
  assert.equal(stepFromPath('/runs/ckpt_17170000000.safetensors'), 17170000000); // 11 digits
  assert.equal(stepFromPath('/runs/ckpt_0001717000.safetensors'), 1717000); // zero-padded
  assert.equal(stepFromPath('/runs/ckpt_4102444800.safetensors'), 4102444800); // 2100-01-01: past the range
  refused('/runs/ckpt_4102444799.safetensors', '4102444799', 'seconds since 1970: 2099-12-31T23:59:59Z');
});

test('a date written with a month\'s name, or with the year last and a time of day, is never a step', () => {
  const refused = (path: string, date: string) =>
    assert.throws(() => stepOfPath(path), (err: Error) => err.message.startsWith(`its name holds a date, "${date}", and nothing else that says a step`), path);
  // Read as steps 2024, 2024, 1, 2024, 24, 2024 and 45 until 2026-12-03.
  refused('/runs/run_01-May-2024.safetensors', '01-May-2024');
  refused('/runs/may01_2024.safetensors', 'may01_2024');
  refused('/runs/2024-May-01.safetensors', '2024-May-01');
  refused('/runs/ckpt_01May2024.safetensors', '01May2024');
  refused('/runs/ckpt_01may24.safetensors', '01may24'); // strftime's %d%b%y
  refused('/runs/ckpt_September-3-2024.safetensors', 'September-3-2024');
  refused('/runs/ckpt_September_2024.safetensors', 'September_2024');
  refused('/runs/ckpt_2024_december.safetensors', '2024_december');
  refused('/runs/run_01-May-2024_12-30-45.safetensors', '01-May-2024_12-30-45');
  refused('/runs/run_01-05-2024_10-50-45.safetensors', '01-05-2024_10-50-45'); // %d-%m-%Y_%H-%M-%S
  // With a step beside it, the step; a number after the date as after DATE's (HHMM after "_" is a number).
  assert.equal(stepFromPath('/runs/run_01-May-2024_step300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/run_01-May-2024_1000.safetensors'), 1000);
  assert.equal(stepFromPath('/runs/run_01-05-2024_1000.safetensors'), 1000);
  assert.equal(stepFromPath('/out/checkpoint-500/model_2024-May-01.safetensors'), 500);
  // Not dates: no such day, a month's name in a longer word, a month and a day without a year.
  assert.equal(stepFromPath('/runs/ckpt_31-Feb-2024_17.safetensors'), 17); // (`2024_7` would be July 2024, a year and a month)
  assert.equal(stepFromPath('/runs/ckpt_30-Feb-2024.safetensors'), 2024);
  assert.equal(stepFromPath('/runs/decoder_2024.safetensors'), 2024);
  assert.equal(stepFromPath('/runs/dec1.safetensors'), 1);
  assert.equal(stepFromPath('/runs/ckpt_may01.safetensors'), 1);
  // An abbreviation and a year alone, or a day after a letter, are no date: a decoder's and an encoder's files at step 2000.
  assert.equal(stepFromPath('/runs/dec_2000.safetensors'), 2000);
  assert.equal(stepFromPath('/runs/enc1_dec_2000.safetensors'), 2000);
  assert.equal(stepFromPath('/runs/sep_2000.safetensors'), 2000);
  refused('/runs/dec1_2000.safetensors', 'dec1_2000'); // what is left: 1 December 2000, refused as a date (dec1_step2000 says the step)
});

test('digits followed by the word "steps" are a step token (Stable-Baselines3\'s rl_model_<n>_steps), whatever their count of digits', () => {
  // No step until 2026-12-03 (the name ends in a word), and a Unix time once 10-digit numbers were.
  assert.deepEqual(stepOfPath('/rl/rl_model_1000_steps.safetensors'), { step: 1000, kind: 'step', where: 'name', token: '1000_steps' });
  assert.equal(stepFromPath('/rl/rl_model_1717000000_steps.safetensors'), 1717000000);
  assert.equal(stepFromPath('/rl/rl_model_20240501_steps.safetensors'), 20240501);
  assert.equal(stepFromPath('/rl/model-500steps.safetensors'), 500);
  assert.equal(stepFromPath('/rl/ckpt_100_step_200.safetensors'), 200); // the word before its digits wins
  assert.throws(() => stepFromPath('/rl/step_100_200_steps.safetensors'), /it says two different steps, "step_100" and "200_steps"/);
  // A longer word is no step token: the number before it is the name's number, not a step token's.
  assert.deepEqual(stepOfPath('/rl/ckpt_3_stepsize.safetensors'), { step: 3, kind: 'number', where: 'name', token: '3' });
});

test('a number followed only by words is the number the name ends in (model_1200_dec), a number joined to letters is a model\'s name', () => {
  // No step until 2026-12-03: the name ended in a word.
  assert.deepEqual(stepOfPath('/runs/model_1200_dec.safetensors'), { step: 1200, kind: 'number', where: 'name', token: '1200' });
  assert.equal(stepFromPath('/runs/ckpt_500_ema_final.safetensors'), 500);
  assert.equal(stepFromPath('/runs/unet-5000-best.safetensors'), 5000);
  assert.equal(stepFromPath('/runs/1200_model.safetensors'), 1200);
  assert.equal(stepFromPath('/runs/ckpt_1000_acc0.91_best.safetensors'), 1000); // a metric set aside between them
  assert.equal(stepFromPath('/runs/run_2024-05-01_100_best.safetensors'), 100);
  // The number at the end still wins; a step token or an epoch beside it as before.
  assert.equal(stepFromPath('/runs/model_1200_dec2.safetensors'), 2);
  assert.equal(stepFromPath('/runs/model_1200_dec_step7.safetensors'), 7);
  assert.equal(stepFromPath('/runs/resnet_50_epoch3.safetensors'), 3);
  assert.throws(() => stepFromPath('/runs/epoch3_250_best.safetensors'), /it says "epoch3" and ends in 250, and no step/);
  assert.equal(stepFromPath('/d/checkpoint-500/model_1_ema.safetensors'), 500); // the folder's step token wins, as over model_1
  // Digits joined to letters are a model's name: still no step.
  for (const name of ['gpt2_final', 't5_small', 'resnet50_best', 'model7b_chat']) assert.deepEqual({ name, step: stepFromPath(`/runs/${name}.safetensors`) }, { name, step: null });
});

test('orbax\'s <step>/<item>/ layout: the folder above says the step when the file and its folder say none', () => {
  // No step until 2026-12-03: neither "model" nor "default" ends in a number.
  assert.deepEqual(stepOfPath('/ck/1000/default/model.safetensors'), { step: 1000, kind: 'number', where: 'folder above', token: '1000', above: 1 });
  assert.equal(stepFromPath('/ck/1000/state/params.safetensors'), 1000);
  assert.equal(stepFromPath('/ck/000200/default/model.safetensors'), 200); // step_format_fixed_length
  assert.deepEqual(stepOfPath('/ck/checkpoint_1000/default/model.safetensors'), { step: 1000, kind: 'step', where: 'folder above', token: 'checkpoint_1000', above: 1 }); // step_prefix
  assert.equal(stepFromPath('/out/checkpoint-500/unet/diffusion_pytorch_model.safetensors'), 500); // diffusers' Accelerate saves
  assert.equal(stepFromPath('/out/step_500/unet_ema/model-00001-of-00002.safetensors'), 500);
  assert.equal(stepFromPath('/ck/1000/default/model_2024-05-01.safetensors'), 1000); // a dated name takes a step folder's step
  // What the file or its folder says wins.
  assert.equal(stepFromPath('/ck/1000/default/ckpt_7.safetensors'), 7);
  assert.equal(stepFromPath('/ck/1000/step_5/model.safetensors'), 5);
  // A folder above that says more than a step, or a time, says none.
  assert.equal(stepFromPath('/home/user2/final/model.safetensors'), null);
  assert.equal(stepFromPath('/runs/exp1/default/model.safetensors'), null);
  assert.equal(stepFromPath('/runs/run_5/default/model.safetensors'), null);
  assert.equal(stepFromPath('/runs/1717000000/default/model.safetensors'), null);
  assert.equal(stepFromPath('/runs/2024-05-01/default/model.safetensors'), null);
  assert.equal(stepFromPath('/1000/model.safetensors'), 1000); // its own folder, as before
  assert.equal(stepFromPath('/model.safetensors'), null);
  assert.throws(() => stepOfPath('/runs/exp1/default/ckpt-2024-05-01.safetensors'), /its name holds a date, "2024-05-01"/);
});

test('a year and a month, and a compact date with a time of day, are dates: never a step, nor a Unix time', () => {
  const refused = (path: string, date: string) =>
    assert.throws(() => stepOfPath(path), (err: Error) => err.message.startsWith(`its name holds a date, "${date}", and nothing else that says a step`), path);
  // Read as step 5 (the month), and as 5, 2024 and 2024, until 2026-12-03.
  refused('/runs/model_2024_05.safetensors', '2024_05');
  refused('/runs/run-2024-05.safetensors', '2024-05');
  refused('/runs/ckpt_05-2024.safetensors', '05-2024');
  refused('/runs/ckpt_12_1999.safetensors', '12_1999');
  // strftime's %Y%m%d%H, %Y%m%d%H%M, %Y%m%d%H%M%S: explained as a Unix time (10 digits) or read as a step (12, 14) until 2026-12-03.
  refused('/runs/ckpt_2024051713.safetensors', '2024051713');
  refused('/runs/ckpt_202405171330.safetensors', '202405171330');
  refused('/runs/ckpt_20240517133000.safetensors', '20240517133000');
  // Beside a step, the step; after a step word, the step token's digits.
  assert.equal(stepFromPath('/runs/model_2024_05_step300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/model_2024_05_300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/ckpt_20240517133000_step7.safetensors'), 7);
  assert.equal(stepFromPath('/runs/step_2024051713.safetensors'), 2024051713);
  assert.equal(stepFromPath('/runs/step_2024_05.safetensors'), 2024);
  // Not a year and a month: a month beyond 12, a year outside 1970–2100, digits after it.
  assert.equal(stepFromPath('/runs/model_2024_13.safetensors'), 13);
  assert.equal(stepFromPath('/runs/model_1024_05.safetensors'), 5);
  assert.equal(stepFromPath('/runs/model_2024_05_99.safetensors'), 99);
  // Compact YYYYMM: six digits, a step's as often — the YYMMDD decision (below) for the same reason: 200101 is a step.
  assert.equal(stepFromPath('/runs/ckpt_202405.safetensors'), 202405);
  // Not a time of day after the compact date: the Unix time it is, or the step.
  assert.throws(() => stepOfPath('/runs/ckpt_2024051799.safetensors'), /holds a Unix time, "2024051799"/);
  assert.equal(stepFromPath('/runs/ckpt_202405179900.safetensors'), 202405179900);
});

test('YYMMDD is not read as a date: six digits are a step, as a run saved every 10 steps near 240,000 has them', () => {
  // 240510 and 241010 are days of 2024 as YYMMDD: read so, they would drop out of a series whose neighbours are steps.
  for (let step = 240_000; step <= 241_100; step += 10) assert.equal(stepFromPath(`/runs/ckpt_${step}.safetensors`), step);
  for (const step of [100000, 200101, 240501, 991231]) assert.equal(stepFromPath(`/runs/ckpt_${step}.safetensors`), step);
});

test('a month of one digit after the year, and an hour alone after a date, are dates: never a step', () => {
  const refused = (path: string, date: string) =>
    assert.throws(() => stepOfPath(path), (err: Error) => err.message.startsWith(`its name holds a date, "${date}", and nothing else that says a step`), path);
  // Read as steps 5, 9, 13, 0 and 13 until 2026-12-03: Python's f"{y}_{m}", strftime's %Y%m%d_%H, ISO 8601's hour alone.
  refused('/runs/run_2024_5.safetensors', '2024_5');
  refused('/runs/model-2024-9-best.safetensors', '2024-9');
  refused('/runs/ckpt_20240517_13.safetensors', '20240517_13');
  refused('/runs/ckpt_20240517_00.safetensors', '20240517_00');
  refused('/runs/run_2024-05-17T13.safetensors', '2024-05-17T13');
  // Beside a step, the step; after a step word, the token's digits.
  assert.equal(stepFromPath('/runs/run_2024_5_step300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/ckpt_20240517_13-step-300.safetensors'), 300);
  assert.equal(stepFromPath('/runs/checkpoint-500/ckpt_20240517_13.safetensors'), 500);
  assert.equal(stepFromPath('/runs/step_20240517_13.safetensors'), 20240517);
  // Not a date: the month first (a 5 and step 2000), a month 0, an hour past 23, HHMM (a step, as decided), and an hour and minutes is TIME's.
  assert.equal(stepFromPath('/runs/ckpt_5_2000.safetensors'), 2000);
  assert.equal(stepFromPath('/runs/model_2024_0.safetensors'), 0);
  assert.equal(stepFromPath('/runs/ckpt_20240517_25.safetensors'), 25);
  assert.equal(stepFromPath('/runs/ckpt_20240517_1230.safetensors'), 1230);
  assert.equal(stepFromPath('/runs/run_2024-05-01_100.safetensors'), 100);
  refused('/runs/ckpt_20240517_12_30.safetensors', '20240517_12_30');
});

test('orbax\'s deeper layouts, <step>/<item>/<subfolder>/…: the nearest step folder above, at most STEP_FOLDER_DEPTH up', () => {
  assert.equal(STEP_FOLDER_DEPTH, 3);
  // A PyTree item's ocdbt.process_0/d/ and d/: no step until 2026-12-03 (only the folder's folder was looked at).
  assert.deepEqual(stepOfPath('/ck/1000/state/ocdbt.process_0/d/params.safetensors'), { step: 1000, kind: 'number', where: 'folder above', token: '1000', above: 3 });
  assert.deepEqual(stepOfPath('/ck/checkpoint_200/state/d/params.safetensors'), { step: 200, kind: 'step', where: 'folder above', token: 'checkpoint_200', above: 2 });
  // The nearest wins; what the file or its folder says wins over any.
  assert.equal(stepFromPath('/ck/7/1000/state/d/params.safetensors'), 1000);
  assert.equal(stepFromPath('/ck/1000/state/d/ckpt_7.safetensors'), 7);
  // Beyond the depth, none: a folder that far up is a run's or a disk's as often as a step's.
  assert.equal(stepFromPath('/ck/1000/state/a/b/c/params.safetensors'), null);
  assert.equal(stepFromPath('/runs/exp1/default/d/params.safetensors'), null);
});
