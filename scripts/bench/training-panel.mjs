// The training panel's host side: a network trained in the training worker (dist/trainingWorker.js,
// the extension's own) while the main thread does what the panel does with each snapshot and with the
// result — takes the worker's message and serializes it for the webview (postMessage sends JSON) —
// with the main thread's longest stall meanwhile (issue 11: never more than 50 ms). Two runs: the
// MNIST example as the panel trains it, and a long run of 20,001 records, past the records the panel
// draws (MAX_DRAWN_RECORDS, src/workers/trainingRun.ts), its Export Data (JSON and CSV), and a sweep
// of four such runs, whose every snapshot carries every value's records. The messages are the workers' envelope
// (src/protocol/workers.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { Worker } from 'node:worker_threads';
import { ms, repo, stallMeter } from './util.mjs';

const example = (name) => readFileSync(join(repo, 'examples', 'networks', name), 'utf8');

/** Trains `text` in `worker`; the main thread's longest stall, the snapshots, the largest message and the time. */
function train(worker, id, text, baseDir) {
  return new Promise((resolve, reject) => {
    const stall = stallMeter();
    let snapshots = 0;
    let largest = 0;
    const start = performance.now();
    const on = (m) => {
      if (m.id !== id) return;
      // What the panel posts to its webview: the run as drawn, serialized (the result's records stay on
      // the host as the worker's UTF-8 JSON, moved, for Export Data).
      const bytes = JSON.stringify(m.type === 'progress' ? m.progress : m.result.run ?? m.result).length;
      largest = Math.max(largest, bytes);
      if (m.type === 'progress') {
        snapshots++;
        return;
      }
      const worst = stall.stop();
      worker.off('message', on);
      if (m.type !== 'result' || m.result.kind !== 'run') reject(new Error(JSON.stringify(m).slice(0, 400)));
      else resolve({ worst, snapshots, largest, wall: performance.now() - start, records: JSON.parse(new TextDecoder().decode(m.result.resultJson)).step.length, drawn: m.result.run.curves.step.length, json: m.result.resultJson });
    };
    worker.on('message', on);
    worker.postMessage({ type: 'run', id, job: { text, fileName: 'bench.flab.json', baseDir, sweepIndex: null, resume: false } });
  });
}

/**
 * Export Data of a run as the panel does it (TrainingDelegate.exportFile): the held bytes copied to a
 * fresh export worker (dist/exportWorker.js), which parses them and prints the file; the main thread's
 * longest stall meanwhile, the file's size and the time.
 */
function exportData(json, format) {
  const worker = new Worker(join(repo, 'dist', 'exportWorker.js'));
  const stall = stallMeter();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      const worst = stall.stop();
      void worker.terminate();
      if (m.type !== 'result' || m.result.kind !== 'file') reject(new Error(JSON.stringify(m).slice(0, 400)));
      else resolve({ worst, bytes: m.result.bytes.byteLength, wall: performance.now() - start });
    });
    worker.postMessage({ type: 'run', id: 1, job: { format, title: 'bench', documentUri: 'file:///bench.flab.json', parameters: [], data: { json, header: null } } });
  });
}

/**
 * A sweep as the panel trains it (TrainingDelegate.trainSweep): its values on two workers, each taking
 * the next value, and at every snapshot the whole sweep — each value's latest run — serialized for the
 * webview, as the panel posts it. The main thread's longest stall, the largest message and the time.
 */
function sweep(workers, text, values, baseDir) {
  return new Promise((resolve, reject) => {
    const stall = stallMeter();
    const runs = new Array(values).fill(null);
    let largest = 0;
    let next = 0;
    let ended = 0;
    const start = performance.now();
    const take = (worker) => {
      if (next >= values) return;
      const index = next++;
      const on = (m) => {
        if (m.id !== index + 1) return;
        runs[index] = m.type === 'progress' ? m.progress : m.result.run;
        largest = Math.max(largest, JSON.stringify({ type: 'training', sweep: { runs } }).length);
        if (m.type === 'progress') return;
        worker.off('message', on);
        if (m.type !== 'result' || m.result.kind !== 'run') return reject(new Error(JSON.stringify(m).slice(0, 400)));
        if (++ended === values) resolve({ worst: stall.stop(), largest, wall: performance.now() - start, drawn: runs.map((r) => r.curves.step.length) });
        else take(worker);
      };
      worker.on('message', on);
      worker.postMessage({ type: 'run', id: index + 1, job: { text, fileName: 'bench.flab.json', baseDir, sweepIndex: index, resume: false } });
    };
    workers.forEach(take);
  });
}

async function run() {
  const path = join(repo, 'dist', 'trainingWorker.js');
  if (!existsSync(path)) throw new Error('dist/trainingWorker.js is missing: npm run build');
  const worker = new Worker(path);
  const baseDir = join(repo, 'examples', 'networks');
  try {
    const mnist = await train(worker, 1, example('mnist-four-layer-zeta.flab.json'), baseDir);
    const long = example('bridge-linear-network.flab.json').replace('"steps": 1500, "record": { "every": 10 }', '"steps": 20000, "record": { "every": 1 }');
    if (!long.includes("20000")) throw new Error('the bridge example changed: its steps and record cadence are not where the bench expects them');
    const many = await train(worker, 2, long, baseDir);
    const exported = [];
    for (const format of ['json', 'csv']) {
      const e = await exportData(many.json, format);
      exported.push(`${format.toUpperCase()} (${(e.bytes / 1e6).toFixed(1)} MB) in ${ms(e.wall)}, longest stall ${e.worst.toFixed(1)} ms`);
    }
    const swept = long.replace('"init": { "scheme": "xavier", "scale": 0.05, "seed": 3 },', '"init": { "scheme": "xavier", "scale": 0.05, "seed": 3 }, "sweep": { "init.scale": [0.03, 0.05, 0.07, 0.1] },');
    if (!swept.includes('"sweep"')) throw new Error('the bridge example changed: its init is not where the bench expects it');
    const second = new Worker(path);
    let four;
    try {
      four = await sweep([worker, second], swept, 4, baseDir);
    } finally {
      second.postMessage({ type: 'exit' });
    }
    const say = (r) => `${r.records.toLocaleString('en-US')} records (${r.drawn.toLocaleString('en-US')} drawn) in ${ms(r.wall)}, ${r.snapshots} snapshots, the largest message to the webview ${(r.largest / 1e6).toFixed(1)} MB: longest stall ${r.worst.toFixed(1)} ms`;
    return `the MNIST example (mnist-four-layer-zeta): ${say(mnist)}; the bridge, 20,000 steps recorded at every step: ${say(many)}; its Export Data, built in the export worker: ${exported.join('; ')}; a sweep of four such runs on two workers: ${four.drawn.map((n) => n.toLocaleString('en-US')).join(', ')} records drawn, the largest message to the webview ${(four.largest / 1e6).toFixed(1)} MB, longest stall ${four.worst.toFixed(1)} ms in ${ms(four.wall)} (target: the main thread never blocks more than 50 ms)`;
  } finally {
    worker.postMessage({ type: 'exit' });
    await new Promise((resolve) => worker.once('exit', resolve));
  }
}

export const sections = [{ name: 'training panel (host side): the main thread while a network trains', run }];
