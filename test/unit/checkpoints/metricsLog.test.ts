import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MetricsLog } from '../../../src/core/checkpoints/metricsLog';

const dir = mkdtempSync(join(tmpdir(), 'flab-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const settled = () => true;
const writing = () => false;

test('lines give step, loss and accuracy; bad lines are reported by number and skipped; NaN reads as null; a later step wins', async () => {
  const path = join(dir, 'a.jsonl');
  writeFileSync(
    path,
    [
      '{"step": 0, "loss": 2.3, "accuracy": 0.1, "lr": 0.01}',
      '',
      '{"step": 10, "loss": 1.2}',
      'not json',
      '[1, 2]',
      '{"loss": 1}',
      '{"step": -1, "loss": 1}',
      '{"step": 20, "loss": "high"}',
      '{"step": 30, "loss": NaN, "accuracy": 0.5}',
      '{"step": 10, "loss": 1.1, "accuracy": 0.4}',
      '{"step": 40, "accuracy": Infinity}',
      '',
    ].join('\r\n'),
  );
  const log = new MetricsLog(path, 'a.jsonl');
  assert.equal(await log.refresh(settled), true);
  assert.deepEqual(log.series(), { step: [0, 10, 30, 40], loss: [2.3, 1.1, null, null], accuracy: [0.1, 0.4, 0.5, null] });
  const messages = log.messages();
  assert.equal(messages.length, 5);
  assert.match(messages[0], /^a.jsonl line 4: not JSON/);
  assert.match(messages[1], /^a.jsonl line 5: expected an object/);
  assert.match(messages[2], /^a.jsonl line 6: "step" should be a non-negative integer, found nothing/);
  assert.match(messages[3], /^a.jsonl line 7: "step" should be a non-negative integer, found -1/);
  assert.match(messages[4], /^a.jsonl line 8: "loss" should be a finite number or null, found "high"/);
  assert.equal(await log.refresh(settled), false, 'nothing new');
});

test('appended lines are read incrementally; an unfinished last line waits, and is a problem only once settled', async () => {
  const path = join(dir, 'b.jsonl');
  writeFileSync(path, '{"step": 1, "loss": 1}\n{"step": 2, "lo');
  const log = new MetricsLog(path, 'b.jsonl');
  await log.refresh(writing);
  assert.deepEqual(log.series()!.step, [1]);
  assert.deepEqual(log.messages(), []);
  await log.refresh(settled);
  assert.equal(log.messages().length, 1);
  assert.match(log.messages()[0], /^b.jsonl line 2 \(unfinished, no newline\): not JSON/);
  appendFileSync(path, 'ss": 0.5}\n{"step": 3, "loss": 0.25}');
  assert.equal(await log.refresh(writing), true);
  // The last line has no newline yet but is a whole object: it counts.
  assert.deepEqual(log.series(), { step: [1, 2, 3], loss: [1, 0.5, 0.25], accuracy: [null, null, null] });
  assert.deepEqual(log.messages(), []);
  appendFileSync(path, '\n{"step": 4, "loss": 0.125}\n');
  await log.refresh(writing);
  assert.deepEqual(log.series()!.step, [1, 2, 3, 4]);
});

test('a file rewritten shorter is read again from the start; a missing file is no problem; a huge one is refused', async () => {
  const path = join(dir, 'c.jsonl');
  writeFileSync(path, '{"step": 1, "loss": 1}\n{"step": 2, "loss": 0.5}\n');
  const log = new MetricsLog(path, 'c.jsonl');
  await log.refresh(settled);
  writeFileSync(path, '{"step": 7, "loss": 3}\n');
  assert.equal(await log.refresh(settled), true);
  assert.deepEqual(log.series(), { step: [7], loss: [3], accuracy: [null] });
  rmSync(path);
  assert.equal(await log.refresh(settled), true);
  assert.equal(log.series(), null);
  assert.deepEqual(log.messages(), []);
  const missing = new MetricsLog(join(dir, 'none.jsonl'), 'none.jsonl');
  assert.equal(await missing.refresh(settled), false);
  assert.equal(missing.series(), null);
  writeFileSync(path, '');
  truncateSync(path, 300 * 2 ** 20); // sparse: no disk used
  assert.equal(await log.refresh(settled), true);
  assert.equal(log.series(), null);
  assert.match(log.messages()[0], /c.jsonl: has 314,572,800 bytes, more than the 268,435,456 read/);
});

test('only the first 20 bad lines are listed, then their count', async () => {
  const path = join(dir, 'd.jsonl');
  writeFileSync(path, 'x\n'.repeat(25) + '{"step": 5}\n');
  const log = new MetricsLog(path, 'd.jsonl');
  await log.refresh(settled);
  const messages = log.messages();
  assert.equal(messages.length, 21);
  assert.equal(messages[20], 'd.jsonl: 5 more bad lines');
  assert.deepEqual(log.series()!.step, [5]);
});
