/**
 * `zetaError` in a training's output (docs/networks.md, "Layer metrics"): a pair whose ζ is estimated
 * (Hutch++, above `exactLimit`) carries its standard error in `flab train --json`/`--csv` and the panel's
 * Export Data, as `flab checkpoints` prints it; a pair measured exactly has no such column.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../../../src/core/math/rng';
import { NetworkExperiment } from '../../../src/core/network/networkExperiment';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { columnsCsv, trainColumns } from '../../../src/core/runs/layerCsv';
import { trainExperiment } from '../../../src/core/runs/train';
import { trainingCsv } from '../../../src/core/runs/trainingExport';

function experiment(value: Record<string, unknown>): NetworkExperiment {
  const r = parseAnyExperiment(JSON.stringify(value));
  assert.deepEqual(r.diagnostics, []);
  return r.parsed!.experiment as NetworkExperiment;
}

/** 8 samples of `features` inputs, two classes. */
function data(features: number) {
  const rng = new Rng(4);
  const x = Array.from({ length: 8 }, () => Array.from({ length: features }, () => Math.fround(rng.normal())));
  return { train: { x, y: x.map((r) => (r[0] > 0 ? 1 : 0)) } };
}

test('a pair whose ζ is estimated (1025 × 1025 after 1025 × 300: 3.2·10⁸ multiply-adds, above exactLimit, and wider than the Grams are taken for) prints zetaError in --json and --csv; an exact pair does not, and a sweep\'s rows keep one header', async () => {
  const big = experiment({ model: { hidden: [1025, 1025] }, data: data(300), init: { seed: 1 }, training: { steps: 1, learningRate: 0.01, record: { every: 1 } } });
  const r = await trainExperiment(big, { baseDir: mkdtempSync(join(tmpdir(), 'flab-zeta-error-')) });
  const [estimated, exact] = r.alignment;
  assert.ok(estimated.zetaError, 'pair 0 is estimated: its zetaError is printed');
  assert.equal(estimated.zetaError.length, r.step.length);
  for (const [k, e] of estimated.zetaError.entries()) {
    assert.ok(e !== null && e > 0 && e < 0.05 * estimated.zeta[k]!, `record ${k}: ζ ${estimated.zeta[k]} ± ${e}`);
  }
  assert.equal(exact.zetaError, undefined, 'pair 1 (1025 × 1025 × 2: exact) has none');
  const csv = columnsCsv(trainColumns(r)).split('\n');
  const header = csv[0].split(',');
  const column = header.indexOf('alignment[0].zetaError');
  assert.ok(column > header.indexOf('alignment[0].zetaTop') && !header.includes('alignment[1].zetaError'), header.join(','));
  assert.equal(Number(csv[1].split(',')[column]), estimated.zetaError[0]);
  // A sweep (Export Data of a sweep panel) whose other value measured exactly: one header, every row as wide.
  const small = await trainExperiment(experiment({ model: { hidden: [8, 8] }, data: data(3), init: { seed: 1 }, training: { steps: 1, learningRate: 0.01, record: { every: 1 } } }), { baseDir: mkdtempSync(join(tmpdir(), 'flab-zeta-error-')) });
  assert.equal(small.alignment[0].zetaError, undefined);
  const lines = trainingCsv({ key: 'k', path: 'model.hidden[0]', values: [8, 1025], runs: [small, r] } as never).trim().split('\n');
  const width = lines[0].split(',').length;
  assert.ok(lines[0].includes('alignment[0].zetaError'), lines[0]);
  assert.ok(lines.every((l) => l.split(',').length === width), lines.join('\n'));
});
