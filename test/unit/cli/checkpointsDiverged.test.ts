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
  scores: { lossNotFinite?: { step: number; lastCheckpoint: number } | null };
}

const NOTE = /: note: no label: the run diverged — the metrics file writes the loss at step (\d+), the last checkpoint's, with no number \(null, NaN or Infinity: a loss that stopped being finite\) after finite ones/;
/** The note of a log that diverged at a step after the last checkpoint: its step and the last checkpoint's. */
const AFTER = /: note: no label: the run diverged — the metrics file writes the loss at step (\d+) and on, after the last checkpoint \(step (\d+)\), with no number \(null, NaN or Infinity: a loss that stopped being finite\) after finite ones, so the checkpoints are of a run on its way to a blow-up/;

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
  assert.deepEqual(s.scores.lossNotFinite, { step: run.divergedAt, lastCheckpoint: run.divergedAt });
  assert.equal(NOTE.exec(r.stderr)?.[1], String(run.divergedAt), r.stderr);
  // Read up to the checkpoint before it, the metrics file still says the run diverged, a step later:
  // the checkpoints lead up to the blow-up (it was labelled, its loss finite at the last checkpoint).
  const before = flab('checkpoints', write('before.flab.json', { checkpoints: { path: `cdv/step-00000[0-${run.divergedAt - 1}].safetensors` } }), '--summary');
  assert.equal(before.code, 0, before.stderr);
  const b = JSON.parse(before.stdout) as Summary;
  assert.equal(b.label, null);
  assert.deepEqual(b.scores.lossNotFinite, { step: run.divergedAt, lastCheckpoint: run.divergedAt - 1 });
  assert.deepEqual(AFTER.exec(before.stderr)?.slice(1), [String(run.divergedAt), String(run.divergedAt - 1)], before.stderr);
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
    // A loss grown 10³⁶-fold over the checkpoints, NaN at step 25, which no checkpoint was saved at: it was labelled.
    ['after', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": 3e20}', '{"step": 20, "loss": 2e36}', '{"step": 25, "loss": NaN}'], 25],
    // Where the closing stretch of losses with no number starts, before the last checkpoint.
    ['stretch', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": NaN}', '{"step": 15, "accuracy": 0.1}', '{"step": 20, "loss": null}', '{"step": 30, "loss": Infinity}'], 10],
    // No number after the last checkpoint, then a finite loss again (a mixed-precision trainer's skipped steps): no divergence.
    ['recovered', ['{"step": 0, "loss": 1.5}', '{"step": 10, "loss": 0.9}', '{"step": 20, "loss": 0.7}', '{"step": 25, "loss": NaN}', '{"step": 30, "loss": 0.6}'], null],
  ];
  for (const [name, lines, diverged] of cases) {
    writeFileSync(join(folder, `${name}.jsonl`), lines.join('\n') + '\n');
    const r = flab('checkpoints', write(`${name}.flab.json`, { checkpoints: { path: 'torch/*.safetensors', metrics: `torch/${name}.jsonl` } }), '--summary');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.deepEqual(s.scores.lossNotFinite, diverged === null ? null : { step: diverged, lastCheckpoint: 20 }, name);
    assert.equal(s.label === null, diverged !== null, `${name}: ${s.label}`);
    const note = diverged === null ? null : diverged === 20 ? NOTE : diverged > 20 ? AFTER : /: note: no label: the run diverged — the metrics file writes the loss at step 10 and on \(the last checkpoint's, step 20, among them\) with no number .* so the weights, their distance, ζ and the norms are a blow-up's/;
    if (note) assert.match(r.stderr, note, name);
    else assert.equal(r.stderr, '', name);
  }
});
