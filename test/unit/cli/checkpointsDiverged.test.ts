/**
 * Checkpoints of a run that diverged (docs/checkpoints.md, "Summary and label", `lossNotFinite`): the
 * built-in trainer's own folder of a diverged run — its last checkpoint's weights finite (norms of
 * 10¹⁷), its metrics line's loss null — was labelled "disalignment" by `flab checkpoints`, with nothing
 * on standard error, where `flab train` labelled nothing. As processes of the built CLI (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFolder } from './cliFolder';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';

const { dir, flab, write } = cliFolder('flab-ck-diverged-');

interface Summary {
  label: string | null;
  scores: { lossNotFinite?: { step: number } | null };
}

const NOTE = /: note: no label: the run diverged — the metrics file writes the loss at step (\d+), the last checkpoint's, with no number \(null, NaN or Infinity: a loss that stopped being finite\) after finite ones/;

test('flab checkpoints on the folder of a run flab train saw diverge: no label, lossNotFinite at the last checkpoint, a note — as flab train says', () => {
  const trained = write('cdv.flab.json', {
    model: { hidden: [4], activation: 'linear' },
    init: { scheme: 'kaiming', seed: 1 },
    data: { train: { x: [[1, 0.2], [0.3, 1], [0.5, 0.6]], y: [[1], [2], [3]] } },
    training: { loss: 'squared', learningRate: 0.9, steps: 30, record: { every: 1 }, checkpoints: { every: 1, path: 'cdv' } },
  });
  const t = flab('train', trained, '--summary');
  assert.equal(t.code, 0, t.stderr);
  const run = JSON.parse(t.stdout) as { status: string; divergedAt: number; label: string | null };
  assert.equal(run.status, 'diverged');
  assert.equal(run.label, null);
  const r = flab('checkpoints', write('read.flab.json', { checkpoints: { path: 'cdv/*.safetensors' } }), '--summary');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.equal(s.label, null, 'it was "disalignment"');
  assert.deepEqual(s.scores.lossNotFinite, { step: run.divergedAt });
  assert.equal(NOTE.exec(r.stderr)?.[1], String(run.divergedAt), r.stderr);
  // Read up to the checkpoint before it, the run is labelled as before (its loss finite there).
  const before = flab('checkpoints', write('before.flab.json', { checkpoints: { path: `cdv/step-00000[0-${run.divergedAt - 1}].safetensors` } }), '--summary');
  assert.equal(before.code, 0, before.stderr);
  assert.notEqual((JSON.parse(before.stdout) as Summary).label, null);
  assert.equal(before.stderr, '');
});

test('an outside trainer\'s metrics: a NaN or Infinity loss (Python\'s json) at the last checkpoint is a divergence; a loss left out, a file that never logs one, or a NaN before the last checkpoint is not', async () => {
  const folder = join(dir, 'torch');
  mkdirSync(folder, { recursive: true });
  for (const [step, s] of [[0, 1], [10, 2], [20, 4]] as const) {
    await writeSafetensors(join(folder, `step_${step}.safetensors`), [
      { name: 'fc1.weight', dtype: 'F32', shape: [2, 2], data: new Float32Array([s, 0, 0, 1]) },
      { name: 'fc2.weight', dtype: 'F32', shape: [1, 2], data: new Float32Array([1, s]) },
    ]);
  }
  const cases: [string, string[], number | null][] = [
    ['nan', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": 0.9}', '{"step": 20, "loss": NaN}'], 20],
    ['infinity', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": 0.9}', '{"step": 20, "loss": Infinity}'], 20],
    ['left-out', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": 0.9}', '{"step": 20, "accuracy": 0.5}'], null],
    ['never', ['{"step": 0, "loss": null}', '{"step": 10, "loss": null}', '{"step": 20, "loss": null}'], null],
    ['earlier', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": NaN}', '{"step": 20, "loss": 0.5}'], null],
  ];
  for (const [name, lines, diverged] of cases) {
    writeFileSync(join(folder, `${name}.jsonl`), lines.join('\n') + '\n');
    const r = flab('checkpoints', write(`${name}.flab.json`, { checkpoints: { path: 'torch/*.safetensors', metrics: `torch/${name}.jsonl` } }), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.deepEqual(s.scores.lossNotFinite, diverged === null ? null : { step: diverged }, name);
    assert.equal(s.label === null, diverged !== null, `${name}: ${s.label}`);
    assert.equal(NOTE.test(r.stderr), diverged !== null, `${name}: ${r.stderr}`);
  }
});
