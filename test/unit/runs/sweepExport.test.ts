/**
 * Export Data of a network sweep is what `flab sweep --json` prints (README, "Export Data"; a fresh
 * tester's L5, 2026-12-03): the panel's object lacked `widthPower`. Both are `networkSweepJson`; this
 * prints the sweep with the CLI and builds the panel's file the way the panel does (its header from
 * `experimentHeader`, its runs as the workers return them), and compares the two.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { experimentHeader, parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { trainingCsv, trainingExportText } from '../../../src/core/runs/trainingExport';
import type { TrainResult } from '../../../src/core/runs/train';

const CLI = resolve(__dirname, '../../../../dist/cli.js');

/** A two-value sweep of γ written as a power of the width (its values are bases b), and the same sweep of σ, which is not. */
const FILE = (sweep: string, outputScale: string) => `{
  "model": { "hidden": [8], "activation": "relu", "outputScale": ${outputScale} },
  "data": { "train": { "x": [[0, 1], [1, 0], [1, 1], [0, 0]], "y": [0, 1, 1, 0] } },
  "init": { "scheme": "kaiming", "scale": 1, "seed": 1 },
  "training": { "learningRate": 0.1, "batchSize": "full", "steps": 6, "record": { "every": 3 } },
  "sweep": { "${sweep}": [0.5, 2] }
}
`;

test('Export Data of a network sweep writes the object flab sweep --json prints: the same keys, widthPower included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flab-sweep-export-'));
  const cases = [
    { name: 'width-power.flab.json', text: FILE('model.outputScale', '{ "widthExponent": -0.5, "base": 1 }'), widthPower: { exponent: -0.5, width: 8 } },
    { name: 'plain.flab.json', text: FILE('init.scale', '1'), widthPower: null },
  ];
  for (const c of cases) {
    const file = join(dir, c.name);
    writeFileSync(file, c.text);
    const r = spawnSync(process.execPath, [CLI, 'sweep', file, '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { key: string; path: string; widthPower: unknown; values: number[]; runs: TrainResult[] };
    assert.deepEqual(printed.widthPower, c.widthPower, c.name);
    // The panel: the sweep as its header reads it (experimentHeader, as the panel and the worker do), the runs the workers returned.
    const parsed = parseAnyExperiment(c.text).parsed;
    assert.ok(parsed && parsed.kind === 'network', c.name);
    const sweep = experimentHeader(parsed).sweep!;
    const exported = JSON.parse(trainingExportText('json', 't', 'file:///w/f.flab.json', [], { key: sweep.key, path: sweep.path, widthPower: sweep.widthPower, values: sweep.values, runs: printed.runs }));
    assert.deepEqual(Object.keys(exported), Object.keys(printed), `${c.name}: the keys, in order`);
    assert.deepEqual(exported, printed, c.name);
    // The CSV likewise: Export Data's rows (after its `#` lines) are what flab sweep --csv prints — the
    // swept value headed as the bases it holds, each row's status last (the panel's had neither).
    const csv = spawnSync(process.execPath, [CLI, 'sweep', file, '--csv'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(csv.status, 0, csv.stderr);
    const panel = trainingCsv({ key: sweep.key, path: sweep.path, widthPower: sweep.widthPower, values: sweep.values, runs: printed.runs, failedValues: [] });
    assert.equal(panel, csv.stdout, c.name);
    assert.match(panel.split('\n')[0], c.widthPower ? /^model\.outputScale\.base,step,.*,status$/ : /^init\.scale,step,.*,status$/);
    const file2 = trainingExportText('csv', 't', 'file:///w/f.flab.json', [], { key: sweep.key, path: sweep.path, widthPower: sweep.widthPower, values: sweep.values, runs: printed.runs, failedValues: [] });
    assert.equal(file2.split('\n').filter((l) => !l.startsWith('#')).join('\n'), csv.stdout, `${c.name}: the file after its # lines`);
  }
  // A value without a run: a row of its value and empty fields, `failed` or `not started`, as flab sweep --csv writes it.
  const rows = trainingCsv({ key: 'init.scale', path: 'init.scale', widthPower: null, values: [0.5, 2, 4], runs: [null, null, null], failedValues: [1] });
  assert.equal(rows, '0.5,not started\n2,failed\n4,not started\n');
});
