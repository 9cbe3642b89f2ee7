/**
 * `flab sweep` of a network experiment whose value fails (a breaker's finding, 2026-12-03): the values
 * that trained are printed in every format — the first, a middle or the last value failing alike — the
 * failed one is reported located at its sweep entry, and the command exits 1. Until then the last
 * value's error printed nothing of the values already trained. Processes of the built CLI, as
 * networkCli.test.ts; `trainSweep`'s own rule in-process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { normaliseNetworkExperiment } from '../../../src/core/network/networkExperiment';
import { trainSweep } from '../../../src/core/runs/train';

const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-sweep-failures-'));
writeFileSync(join(dir, 'six.csv'), 'a,b,y\n0,1,0\n1,0,1\n1,1,1\n0,0,0\n2,1,1\n1,2,0\n');

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A file sweeping data.train over `values` of six.csv's 6 samples (100 cannot be had). */
function sweepFile(name: string, values: number[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv', train: 4 }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'data.train': values } }, null, 2));
  return file;
}

/** `FILE:LINE:COL` of the `k`-th (0-based) occurrence of `needle` after the sweep's key. */
function at(file: string, needle: string): string {
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(needle, text.indexOf('"data.train"'));
  return `${file}:${text.slice(0, i).split('\n').length}:${i - text.lastIndexOf('\n', i - 1)}`;
}

for (const [where, values] of [
  ['first', [100, 4, 5]],
  ['middle', [4, 100, 5]],
  ['last', [4, 5, 100]],
] as const) {
  test(`a network sweep whose ${where} value fails prints the values that trained, in every format, and exits 1 with the error at that value`, () => {
    const file = sweepFile(`${where}.flab.json`, [...values]);
    const bad = values.indexOf(100);
    const error = `${at(file, '100')}: error: sweep value ${bad}, data.train = 100: 100 training samples asked for, six.csv has 6`;
    const trained = values.filter((v) => v !== 100);

    const json = flab('sweep', file, '--json');
    assert.equal(json.code, 1, json.stderr);
    assert.equal(json.stderr, `${error}\n${file}: note: 2 of 3 sweep values trained and printed; value ${bad} did not (null in "runs", listed in "failed")\n`);
    const r = JSON.parse(json.stdout);
    assert.deepEqual(r.values, values);
    assert.equal(r.runs[bad], null);
    assert.deepEqual(r.runs.filter((x: unknown) => x !== null).map((x: { data: { train: number } }) => x.data.train), trained);
    for (const x of r.runs) if (x) assert.equal(x.summary.status, 'finished');
    assert.deepEqual(r.failed, [{ index: bad, value: 100, error }]);

    const summary = flab('sweep', file, '--summary');
    assert.equal(summary.code, 1);
    const s = JSON.parse(summary.stdout);
    assert.equal(s.summaries[bad], null);
    assert.equal(s.summaries.filter((x: unknown) => x !== null).length, 2);
    assert.deepEqual(s.failed, [{ index: bad, value: 100, error }]);
    assert.ok(summary.stderr.startsWith(`${error}\n`) && summary.stderr.includes('(null in "summaries", listed in "failed")'), summary.stderr);

    const csv = flab('sweep', file, '--csv');
    assert.equal(csv.code, 1);
    const lines = csv.stdout.trimEnd().split('\n');
    assert.ok(lines[0].startsWith('data.train,step,epoch,'), 'the header, whichever value failed');
    assert.equal(lines.filter((l) => l.startsWith('data.train')).length, 1);
    const width = lines[0].split(',').length;
    assert.ok(lines.every((l) => l.split(',').length === width));
    // Two records (steps 0 and 2) for each value that trained, one empty row for the failed one, in the sweep's order.
    assert.deepEqual(lines.slice(1).map((l) => Number(l.split(',')[0])), values.flatMap((v) => (v === 100 ? [v] : [v, v, v])));
    // The last column is each value's status: the failed value's row says it failed, the others' that they finished.
    assert.ok(lines[0].endsWith(',status'), lines[0]);
    assert.equal(lines.find((l) => l.startsWith('100,')), `100${','.repeat(width - 2)},failed`);
    for (const l of lines.slice(1)) if (!l.startsWith('100,')) assert.ok(l.endsWith(',finished'), l);
    assert.ok(csv.stderr.includes('(a row of the value, empty fields and its status)'), csv.stderr);

    const table = flab('sweep', file, '--table');
    assert.equal(table.code, 1);
    const rows = table.stdout.trimEnd().split('\n');
    assert.match(rows[1 + bad], /^\s*100\s+failed(\s+–)+$/);
    for (const [i, v] of values.entries()) if (v !== 100) assert.match(rows[1 + i], new RegExp(`^\\s*${v}\\s+finished\\s`));
    assert.ok(table.stderr.includes('(status failed)'), table.stderr);
  });
}

test('a network sweep none of whose values trains prints only the errors (exit 1), each at its value', () => {
  const file = sweepFile('none.flab.json', [100, 200]);
  const r = flab('sweep', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${at(file, '100')}: error: sweep value 0, data.train = 100: 100 training samples asked for, six.csv has 6\n${at(file, '200')}: error: sweep value 1, data.train = 200: 200 training samples asked for, six.csv has 6\n`);
});

test('a network sweep one of whose values passes the parameter limit is refused whole, at that value, before any value trains', () => {
  // Until 2026-12-03 value 0 trained first, and value 1 was refused after it (docs/networks.md, "Runs and output").
  const file = join(dir, 'wide.flab.json');
  writeFileSync(file, JSON.stringify({ model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv' }, training: { learningRate: 0.5, steps: 2 }, sweep: { 'model.hidden[0]': [3, 10000000] } }, null, 2));
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf('10000000');
  const where = `${file}:${text.slice(0, i).split('\n').length}:${i - text.lastIndexOf('\n', i - 1)}`;
  for (const format of ['--table', '--json', '--csv']) {
    const r = flab('sweep', file, format);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '', 'no value trained');
    assert.equal(r.stderr, `${where}: error: sweep value 1, model.hidden[0] = 10000000: layer sizes 2-10000000-2 make 40,000,000 parameters, above the limit of 16,777,216 (the trainer keeps up to five float32 copies)\n`);
  }
});

test('trainSweep: a failed value is given to `failed`, which goes on (true) or stops the sweep (false); without it the error rejects', async () => {
  const e = normaliseNetworkExperiment({ model: { hidden: [3] }, data: { format: 'csv', trainFile: 'six.csv' }, training: { learningRate: 0.5, steps: 1 }, sweep: { 'data.train': [4, 100, 5] } }).experiment!;
  const seen: number[] = [];
  const on = await trainSweep(e, { baseDir: dir, failed: (i) => (seen.push(i), true) });
  assert.deepEqual(seen, [1]);
  assert.deepEqual(on.runs.map((r) => r?.data.train ?? null), [4, null, 5]);
  assert.deepEqual(on.failures.map((f) => [f.index, f.value]), [[1, 100]]);
  assert.match(String(on.failures[0].error), /100 training samples asked for, six.csv has 6/);
  const stopped = await trainSweep(e, { baseDir: dir, failed: () => false });
  assert.deepEqual(stopped.runs.map((r) => r?.data.train ?? null), [4, null, null], 'the values after a stopping failure are not trained');
  await assert.rejects(trainSweep(e, { baseDir: dir }), /100 training samples asked for/);
});
