// The phase panel's host side: a 256² phase diagram computed in the phase worker (dist/phaseWorker.js,
// the extension's own), timed from the request on the main thread to the encoded result back on it
// (what the panel then posts to its webview), with the main thread's longest stall meanwhile; and how
// soon a newer request is answered when it supersedes a 1024² grid in progress. Target: < 1 s, off
// the UI thread. The messages are the workers' envelope (src/protocol/workers.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { median, ms, repo, stallMeter } from './util.mjs';

const text = JSON.stringify({
  name: 'bench',
  model: { width: 1000, outputScale: 1 },
  data: { x: [1], y: 1 },
  init: { scaleU: 0.02, scaleW: 1, seed: 7 },
  learningRates: { u: 0.05, W: 0.05 },
});
const X = { key: 'model.outputScale', from: 1e-3, to: 1e3, scale: 'log' };
const Y = { key: 'init.scaleU', from: 1e-4, to: 10, scale: 'log' };

function request(worker, id, size, method = 'flow') {
  const job = method === 'descent' ? { text: descentText, x: DX, y: DY } : { text, x: X, y: Y };
  worker.postMessage({ type: 'run', id, job: { ...job, size, fileName: 'bench.flab.json', method } });
}

/**
 * The same experiment with a budget of 1,000 gradient-descent steps (issue 13: a 256² diagram in under
 * 2 s through the worker), over axes where most runs converge, so that most cells run every step.
 */
const descentText = JSON.stringify({ ...JSON.parse(text), time: { end: 1000 } });
const DX = { key: 'model.outputScale', from: 1e-2, to: 1, scale: 'log' };
const DY = { key: 'learningRates.W', from: 1e-3, to: 0.1, scale: 'log' };

function reply(worker, id) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.id !== id || m.type === 'progress') return;
      worker.off('message', on);
      if (m.type === 'result' && m.result.kind !== 'result') reject(new Error(JSON.stringify(m.result.diagnostics)));
      else resolve(m);
    };
    worker.on('message', on);
  });
}

async function run() {
  const path = join(repo, 'dist', 'phaseWorker.js');
  if (!existsSync(path)) throw new Error('dist/phaseWorker.js is missing: npm run build');
  const worker = new Worker(path);
  let id = 0;
  try {
    request(worker, ++id, 32);
    await reply(worker, id);
    const times = [];
    const stalls = [];
    let bytes = 0;
    for (let r = 0; r < 5; r++) {
      const stall = stallMeter();
      const start = performance.now();
      request(worker, ++id, 256);
      const m = await reply(worker, id);
      times.push(performance.now() - start);
      stalls.push(stall.stop());
      bytes = JSON.stringify(m.result.diagram).length;
    }
    // Gradient descent, 1,000 steps a cell, through the same worker and envelope.
    const descent = [];
    let outcomes = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      request(worker, ++id, 256, 'descent');
      const m = await reply(worker, id);
      descent.push(performance.now() - start);
      const bytes = Buffer.from(m.result.diagram.outcomes, 'base64');
      outcomes = [0, 1, 2].map((o) => bytes.filter((b) => b === o).length);
    }
    // Supersede a 1024² grid (about 16× the work) 50 ms into it.
    const cancel = [];
    for (let r = 0; r < 3; r++) {
      request(worker, ++id, 1024);
      const big = reply(worker, id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const start = performance.now();
      request(worker, ++id, 16);
      await reply(worker, id);
      cancel.push(performance.now() - start);
      const b = await big;
      if (b.type !== 'cancelled') throw new Error('the superseded 1024² grid was not cancelled');
    }
    return `256² in the worker ${ms(median(times))} (median of 5, target < 1000 ms), main thread's longest stall ${median(stalls).toFixed(1)} ms, message ${(bytes / 1e6).toFixed(1)} MB; gradient descent, 256² × 1,000 steps, in the worker ${ms(median(descent))} (median of 3, target < 2000 ms; ${outcomes.join('/')} converged/catapult/diverged); a newer request superseding a 1024² grid answered in ${ms(median(cancel))}`;
  } finally {
    await worker.terminate();
  }
}

export const sections = [{ name: 'phase panel (host side)', run }];
