// The training worker as the panel reaches it (real dist/trainingWorker.js through trainingChannel):
// a finished run's result, every record of it for Export Data, arrives as UTF-8 JSON in shared memory,
// not copied — the host's main thread received a run of 100,000 records as objects in 53 ms, and
// copied its JSON in 150 ms (`npm run bench`, "training panel", measures the stall; docs/networks.md,
// "The panel").
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportChannel, trainingChannel } from '../../../src/extension/channels';
import { trainingExportText } from '../../../src/core/runs/trainingExport';
import type { TrainResult } from '../../../src/core/runs/train';
import type { ExportJob, TrainingPeek } from '../../../src/protocol/workers';
import type { RunView } from '../../../src/protocol/training';

const workerPath = join(process.cwd(), 'dist', 'trainingWorker.js');
const examples = join(process.cwd(), 'examples', 'networks');
const exportWorkerPath = join(process.cwd(), 'dist', 'exportWorker.js');

describe('training worker bridge', { skip: !existsSync(workerPath) && 'run `npm run build` first' }, () => {
  it('sends a finished run\'s result as UTF-8 JSON in shared memory: every record, as flab train --json has them, which the export worker prints as Export Data', async () => {
    const text = readFileSync(join(examples, 'bridge-linear-network.flab.json'), 'utf8').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 5000, "record": { "every": 1 }');
    assert.ok(text.includes('"steps": 5000'));
    const channel = trainingChannel(workerPath);
    try {
      const r = await channel.run({ text, fileName: 'bridge.flab.json', baseDir: examples, sweepIndex: null, resume: false }, () => undefined);
      assert.equal(r.superseded, false);
      if (r.superseded) return;
      const o = r.result;
      assert.ok(o.kind === 'run', JSON.stringify(o).slice(0, 300));
      assert.equal(o.result, null, 'not as objects');
      assert.ok(o.resultJson instanceof Uint8Array && o.resultJson.byteLength > 0);
      assert.ok(o.resultJson.buffer instanceof SharedArrayBuffer, 'shared, not copied');
      const result = JSON.parse(new TextDecoder().decode(o.resultJson)) as { step: number[]; summary: { label: string | null }; layers: unknown[] };
      assert.equal(result.step.length, 5001, 'every record, though the panel draws fewer');
      assert.ok(o.run.curves.step.length < 5001, `${o.run.curves.step.length} drawn`);
      assert.equal(result.layers.length, 2);
      assert.equal(typeof result.summary.label, 'string');
      await exportsAsTheHostWould(o.resultJson, result as unknown as TrainResult);
    } finally {
      channel.dispose();
    }
  });

  it('answers a peek during a run with its records so far (summary.status "training") and the snapshot drawn of them, without stopping it; after Stop, with the run kept (status "stopped")', async () => {
    // Export Data during a run wrote the previous run's records under this run's parameters (2026-12-03):
    // the panel held no export of a run under way. A peek asks the worker for it.
    const text = readFileSync(join(examples, 'bridge-linear-network.flab.json'), 'utf8').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 400000, "record": { "every": 1 }');
    assert.ok(text.includes('"steps": 400000'));
    const channel = trainingChannel(workerPath);
    try {
      assert.equal(await channel.peek(), null, 'no worker yet: nothing');
      const snapshots: RunView[] = [];
      const running = channel.run({ text, fileName: 'bridge.flab.json', baseDir: examples, sweepIndex: null, resume: false }, (s) => snapshots.push(s));
      while (!snapshots.some((s) => s.status === 'training' && s.curves.step.length > 20)) await new Promise((r) => setTimeout(r, 20));
      const p = await channel.peek<TrainingPeek>();
      assert.ok(p, 'a run under way answers');
      const result = JSON.parse(new TextDecoder().decode(p.resultJson)) as TrainResult;
      assert.equal(result.summary.status, 'training');
      assert.equal(result.summary.totalSteps, 400000);
      const last = result.step[result.step.length - 1];
      assert.ok(last > 20 && last < 400000, `${last}`);
      assert.equal(p.run.curves.step[p.run.curves.step.length - 1], last, 'the view is of the same records');
      // Its progress counts the steps taken: the record of the weights after the last is made at the next step's start.
      const at = p.run.progress?.step ?? -1;
      assert.ok(at - last >= 0 && at - last <= 1, `progress at step ${at}, the last record at step ${last} (a record every step)`);
      const posted = snapshots[snapshots.length - 1];
      assert.equal(posted.curves.step[posted.curves.step.length - 1], last, 'and was posted as the panel\'s snapshot');
      assert.equal(channel.busy, true, 'still training');

      channel.cancel();
      assert.equal((await running).superseded, true);
      const kept = await channel.peek<TrainingPeek>();
      assert.ok(kept, 'the run Stop kept answers');
      const stopped = JSON.parse(new TextDecoder().decode(kept.resultJson)) as TrainResult;
      assert.equal(stopped.summary.status, 'stopped');
      assert.ok(stopped.step.length >= result.step.length);
      assert.equal(kept.run.status, 'stopped');
      assert.equal(kept.run.progress?.step, stopped.step[stopped.step.length - 1]);
    } finally {
      channel.dispose();
    }
  });
});

/**
 * Export Data's file, built by the export worker (real dist/exportWorker.js through exportChannel) from
 * the bytes the panel holds, against the same file printed here from the parsed result: JSON and CSV,
 * one run renamed by an edit of its header, and a sweep of held bytes, an object and a value not run.
 */
async function exportsAsTheHostWould(json: Uint8Array, result: TrainResult): Promise<void> {
  const parameters: ExportJob['parameters'] = [{ path: 'training.learningRate', symbol: 'η', value: '0.05' }];
  const header = { name: 'renamed', description: 'an edit of the header' };
  const renamed = { ...result, ...header };
  const sweep = { key: 'init.scale', path: 'init.scale', widthPower: { exponent: -0.5, width: 16 }, values: [0.5, 1, 2] };
  const cases: { job: ExportJob; expected: string }[] = [];
  for (const format of ['json', 'csv'] as const) {
    cases.push({ job: { format, title: 'Bridge', documentUri: 'file:///w/bridge.flab.json', parameters, data: { json, header } }, expected: trainingExportText(format, 'Bridge', 'file:///w/bridge.flab.json', parameters, renamed) });
    cases.push({
      job: { format, title: 'Bridge', documentUri: 'file:///w/bridge.flab.json', parameters, data: { ...sweep, runs: [{ json, header: null }, null, { value: renamed }] } },
      expected: trainingExportText(format, 'Bridge', 'file:///w/bridge.flab.json', parameters, { ...sweep, runs: [result, null, renamed] }),
    });
  }
  for (const { job, expected } of cases) {
    const channel = exportChannel(exportWorkerPath);
    try {
      const r = await channel.run(job);
      assert.equal(r.superseded, false);
      if (r.superseded) return;
      assert.equal(r.result.kind, 'file', JSON.stringify(r.result).slice(0, 300));
      if (r.result.kind !== 'file') return;
      const text = new TextDecoder().decode(r.result.bytes);
      assert.ok(text === expected, `${job.format}, ${'runs' in job.data ? 'a sweep' : 'one run'}: ${text.length} characters, ${expected.length} expected`);
    } finally {
      channel.dispose();
    }
  }
  const one = JSON.parse(new TextDecoder().decode((await runExport({ format: 'json', title: 'B', documentUri: 'file:///b', parameters, data: { json, header } })))) as TrainResult;
  assert.equal(one.name, 'renamed');
  assert.equal(one.step.length, result.step.length, 'every record');
  const csv = new TextDecoder().decode(await runExport({ format: 'csv', title: 'B', documentUri: 'file:///b', parameters, data: { json, header: null } })).split('\n');
  assert.equal(csv.filter((l) => l !== '' && !l.startsWith('#')).length, result.step.length + 1, 'a row per record under the column names');
}

async function runExport(job: ExportJob): Promise<Uint8Array> {
  const channel = exportChannel(exportWorkerPath);
  try {
    const r = await channel.run(job);
    assert.ok(!r.superseded && r.result.kind === 'file');
    return r.result.bytes;
  } finally {
    channel.dispose();
  }
}
