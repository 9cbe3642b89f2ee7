// The training worker's `checkOnly` job (src/workers/trainingRun.ts, `checkpointsChecked`): what
// `flab train` and `flab sweep` refuse of a file's checkpoints before their first step, located as the
// panel shows it — by the command line's own functions. The panel runs it before it trains (2026-12-03).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../../src/core/experiment/diagnostic';
import type { TrainingOutcome } from '../../../src/protocol/workers';
import { runTrainingJob } from '../../../src/workers/trainingRun';

const bridge = readFileSync(join(process.cwd(), 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8').replace('"$schema": "../../media/flab.editor.schema.json",', '');

async function checked(text: string, baseDir: string): Promise<TrainingOutcome> {
  return runTrainingJob({ text, fileName: 'x.flab.json', baseDir, sweepIndex: null, resume: false, checkOnly: true }, new AbortController().signal, () => assert.fail('a check sends no snapshot'));
}

function refusal(o: TrainingOutcome): Diagnostic {
  assert.equal(o.kind, 'invalid', JSON.stringify(o).slice(0, 300));
  const ds = (o as { diagnostics: Diagnostic[] }).diagnostics;
  assert.equal(ds.length, 1);
  return ds[0];
}

describe('training worker: the checkpoints flab train would refuse, checked before a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-check-'));
  symlinkSync('no-such-folder', join(dir, 'dangling'));

  it('passes a file whose checkpoints flab train writes, and one without', async () => {
    const fine = bridge.replace('"record": { "every": 10 }', '"record": { "every": 10 }, "checkpoints": { "every": 100 }');
    for (const text of [bridge, fine]) {
      const o = await checked(text, dir);
      assert.equal(o.kind, 'run');
      assert.equal((o as { result: unknown }).result, null);
    }
  });

  it('refuses a dangling link at training.checkpoints.path, where it is written', async () => {
    const text = bridge.replace('"record": { "every": 10 }', '"record": { "every": 10 }, "checkpoints": { "every": 100, "path": "dangling" }');
    const d = refusal(await checked(text, dir));
    assert.equal(d.path, 'training.checkpoints.path');
    assert.match(d.message, /^cannot write checkpoints into .*dangling: .*a dangling link/);
    assert.equal(d.offset, text.indexOf('"dangling"'));
  });

  it('refuses more than 2,000 checkpoints known only once the data gives the epochs their steps', async () => {
    const text = bridge.replace('"batchSize": "full", "steps": 1500, "record": { "every": 10 }', '"batchSize": 1, "epochs": 1000, "record": { "every": 1 }, "checkpoints": { "every": 1 }');
    const d = refusal(await checked(text, dir));
    assert.equal(d.path, 'training.checkpoints.every');
    assert.match(d.message, /^training\.checkpoints\.every 1 writes 3,001 checkpoints over the run's 3,000 steps/);
  });

  it('checks every value of a sweep up front, at its entry: by the steps, and by the epochs with the data read', async () => {
    const steps = bridge.replace('"record": { "every": 10 }', '"record": { "every": 2 }, "checkpoints": { "every": 2 }').replace(/\n}\s*$/, ',\n  "sweep": { "training.steps": [100, 5000] }\n}\n');
    const a = refusal(await checked(steps, dir));
    assert.equal(a.path, 'sweep.training.steps[1]');
    assert.match(a.message, /^sweep value 1, training\.steps = 5000: training\.checkpoints\.every 2 writes 2,501 checkpoints/);
    assert.equal(a.offset, steps.indexOf('5000'));
    const epochs = bridge.replace('"batchSize": "full", "steps": 1500, "record": { "every": 10 }', '"batchSize": 1, "epochs": 10, "record": { "every": 1 }, "checkpoints": { "every": 1 }').replace(/\n}\s*$/, ',\n  "sweep": { "training.epochs": [10, 1000] }\n}\n');
    const b = refusal(await checked(epochs, dir));
    assert.equal(b.path, 'sweep.training.epochs[1]');
    assert.match(b.message, /^sweep value 1, training\.epochs = 1000: training\.checkpoints\.every 1 writes 3,001 checkpoints/);
  });
  it('plans each value of a sweep over data.train with its own sample count, not the file\'s whole data', async () => {
    // 4,100 samples, batch 1, one epoch: value 100 takes 100 steps, 1000 takes 1,000, 4100 takes 4,100
    // (2,051 checkpoints every 2). Every value was planned with the file's 4,100: [100, 1000] was refused at value 0.
    writeFileSync(join(dir, 'many.csv'), Array.from({ length: 4100 }, (_, i) => `${i % 7},${i % 3},${i % 2}`).join('\n') + '\n');
    const file = (values: string) => `{"model": {"hidden": [3]}, "data": {"format": "csv", "trainFile": "many.csv", "header": false}, "training": {"epochs": 1, "batchSize": 1, "checkpoints": {"every": 2}}, "sweep": {"data.train": [${values}]}}`;
    const fine = await checked(file('100, 1000'), dir);
    assert.equal(fine.kind, 'run', JSON.stringify(fine).slice(0, 400));
    const text = file('100, 4100');
    const d = refusal(await checked(text, dir));
    assert.equal(d.path, 'sweep.data.train[1]');
    assert.match(d.message, /^sweep value 1, data\.train = 4100: training\.checkpoints\.every 2 writes 2,051 checkpoints over the run's 4,100 steps/);
    assert.equal(d.offset, text.indexOf('4100'));
  });

  it('refuses a sweep, with or without checkpoints, whose value passes the parameter limit, at that value, before any value trains', async () => {
    // 2 features, 2 classes: 2-10000000-2 makes 40,000,000 parameters (a breaker's finding, 2026-12-03:
    // the panel trained the values before it, then marked that one failed).
    writeFileSync(join(dir, 'four.csv'), '0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
    const file = (values: string, checkpoints = '') => `{"model": {"hidden": [3]}, "data": {"format": "csv", "trainFile": "four.csv", "header": false}, "training": {"steps": 2${checkpoints}}, "sweep": {"model.hidden[0]": [${values}]}}`;
    const fine = await checked(file('3, 1000'), dir);
    assert.equal(fine.kind, 'run', JSON.stringify(fine).slice(0, 400));
    for (const text of [file('3, 10000000'), file('3, 10000000', ', "checkpoints": {"every": 1}')]) {
      const d = refusal(await checked(text, dir));
      assert.equal(d.path, 'sweep.model.hidden[0][1]');
      assert.equal(d.message, 'sweep value 1, model.hidden[0] = 10000000: layer sizes 2-10000000-2 make 40,000,000 parameters, above the limit of 16,777,216 (the trainer keeps up to five float32 copies)');
      assert.equal(d.offset, text.indexOf('10000000'));
    }
  });
});
