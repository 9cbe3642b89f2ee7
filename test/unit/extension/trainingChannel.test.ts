// The training worker as the panel reaches it (real dist/trainingWorker.js through trainingChannel):
// a finished run's result, every record of it for Export Data, arrives as UTF-8 JSON in a buffer that
// was moved, not copied — the host's main thread received a run of 100,000 records as objects in 53 ms
// (`npm run bench`, "training panel", measures the stall; docs/networks.md, "The panel").
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trainingChannel } from '../../../src/extension/channels';

const workerPath = join(process.cwd(), 'dist', 'trainingWorker.js');
const examples = join(process.cwd(), 'examples', 'networks');

describe('training worker bridge', { skip: !existsSync(workerPath) && 'run `npm run build` first' }, () => {
  it('sends a finished run\'s result as UTF-8 JSON in a moved buffer: every record, as flab train --json has them', async () => {
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
      const result = JSON.parse(new TextDecoder().decode(o.resultJson)) as { step: number[]; summary: { label: string | null }; layers: unknown[] };
      assert.equal(result.step.length, 5001, 'every record, though the panel draws fewer');
      assert.ok(o.run.curves.step.length < 5001, `${o.run.curves.step.length} drawn`);
      assert.equal(result.layers.length, 2);
      assert.equal(typeof result.summary.label, 'string');
    } finally {
      channel.dispose();
    }
  });
});
