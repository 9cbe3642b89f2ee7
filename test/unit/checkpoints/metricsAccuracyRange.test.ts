import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MetricsLog } from '../../../src/core/checkpoints/metricsLog';

const dir = mkdtempSync(join(tmpdir(), 'flab-metrics-accuracy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const settled = () => true;
const writing = () => false;

async function read(name: string, lines: string[]): Promise<MetricsLog> {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  const log = new MetricsLog(path, name);
  await log.refresh(settled);
  return log;
}

test('accuracies logged in percent (all within [0, 100], some above 1) are read as fractions, with a warning at the first above 1', async () => {
  const log = await read('percent.jsonl', [
    '{"step": 0, "loss": 2.3, "accuracy": 0.8}',
    '{"step": 10, "loss": 1.2, "accuracy": 91.3}',
    '{"step": 20, "loss": 0.9, "accuracy": 100}',
    '{"step": 30, "loss": 0.8}',
  ]);
  // Drawn as 91.3 on an accuracy axis of [0, 1] until 2026-12.
  assert.deepEqual(log.series(), { step: [0, 10, 20, 30], loss: [2.3, 1.2, 0.9, 0.8], accuracy: [0.008, 0.913, 1, null], lossNotFinite: [] });
  assert.deepEqual(log.messages(), [
    'percent.jsonl line 2, column 39: "accuracy" 91.3 is above 1, and every accuracy of the file is within [0, 100]: they are read as percentages, each divided by 100 (91.3 as 0.913) — an accuracy is a fraction in [0, 1]; log it as one (correct / total) to have it read as written',
  ]);
});

test('fractions in [0, 1], 0 and 1 included, are read as written, without a warning', async () => {
  const log = await read('fraction.jsonl', ['{"step": 0, "accuracy": 0}', '{"step": 1, "accuracy": 1}', '{"step": 2, "accuracy": 0.5}']);
  assert.deepEqual(log.series()!.accuracy, [0, 1, 0.5]);
  assert.deepEqual(log.messages(), []);
});

test('accuracies that are neither fractions nor percentages (one above 100 or below 0): those outside [0, 1] read as null, located at the first that is neither', async () => {
  const log = await read('neither.jsonl', [
    '{"step": 0, "accuracy": 0.5}',
    '{"step": 1, "accuracy": 50}',
    '{"step": 2, "loss": 1, "accuracy": 250}',
    '{"step": 3, "accuracy": 0.7}',
  ]);
  assert.deepEqual(log.series(), { step: [0, 1, 2, 3], loss: [null, null, 1, null], accuracy: [0.5, null, null, 0.7], lossNotFinite: [] });
  assert.deepEqual(log.messages(), [
    'neither.jsonl line 3, column 36: "accuracy" 250 is above 100, neither a fraction in [0, 1] nor a percentage in [0, 100], so it is read as null (no value), and so is the file\'s 1 other accuracy outside [0, 1] (the first at line 2: "accuracy" 50); the rest of their lines is kept — log accuracies as fractions in [0, 1], or all as percentages in [0, 100]',
  ]);
  const negative = await read('negative.jsonl', ['{"step": 0, "accuracy": 0.5}', '{"step": 1, "accuracy": -0.25}']);
  assert.deepEqual(negative.series()!.accuracy, [0.5, null]);
  assert.deepEqual(negative.messages(), [
    'negative.jsonl line 2, column 25: "accuracy" -0.25 is below 0, neither a fraction in [0, 1] nor a percentage in [0, 100], so it is read as null (no value); the rest of its line is kept — log accuracies as fractions in [0, 1], or all as percentages in [0, 100]',
  ]);
});

test('the decision follows the whole file as it grows: an unfinished last line counts, and a line appended later can make it percent', async () => {
  const path = join(dir, 'growing.jsonl');
  writeFileSync(path, '{"step": 0, "accuracy": 0.5}\n{"step": 1, "accuracy": 0.9}\n');
  const log = new MetricsLog(path, 'growing.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()!.accuracy, [0.5, 0.9]);
  assert.deepEqual(log.messages(), []);
  appendFileSync(path, '{"step": 2, "accuracy": 40}'); // no newline yet
  await log.refresh(writing);
  assert.deepEqual(log.series()!.accuracy, [0.005, 0.009, 0.4]);
  assert.match(log.messages()[0], /^growing\.jsonl line 3, column 25: "accuracy" 40 is above 1/);
  appendFileSync(path, '\n{"step": 3, "accuracy": 150}\n');
  await log.refresh(settled);
  assert.deepEqual(log.series()!.accuracy, [0.5, 0.9, null, null]);
  assert.match(log.messages()[0], /^growing\.jsonl line 4, column 25: "accuracy" 150 is above 100/);
  // Rewritten as fractions: read from the start again, no warning left.
  writeFileSync(path, '{"step": 0, "accuracy": 0.1}\n');
  await log.refresh(settled);
  assert.deepEqual(log.series()!.accuracy, [0.1]);
  assert.deepEqual(log.messages(), []);
});

test('a fraction that float32 rounding carried just past 1 (up to 1.0001) is read as 1: the file stays fractions, without a warning', async () => {
  // One 1.0000001 turned the whole file into percentages until 2026-12: [0.001, 0.005, 0.010000001].
  const log = await read('overshoot.jsonl', ['{"step": 0, "accuracy": 0.1}', '{"step": 10, "accuracy": 0.5}', '{"step": 20, "accuracy": 1.0000001}']);
  assert.deepEqual(log.series()!.accuracy, [0.1, 0.5, 1]);
  assert.deepEqual(log.messages(), []);
  const several = await read('overshoots.jsonl', ['{"step": 0, "accuracy": 0.9}', '{"step": 1, "accuracy": 1.0000001}', '{"step": 2, "accuracy": 1.0001}', '{"step": 3, "accuracy": 1.00002}']);
  assert.deepEqual(several.series()!.accuracy, [0.9, 1, 1, 1]);
  assert.deepEqual(several.messages(), []);
});

test('above 1.0001 is a percentage: the file is percentages, and its values in (1, 1.0001] are divided by 100 with the rest', async () => {
  const log = await read('percent-overshoot.jsonl', ['{"step": 0, "accuracy": 1.00005}', '{"step": 1, "accuracy": 1.0002}', '{"step": 2, "accuracy": 50}']);
  assert.deepEqual(log.series()!.accuracy, [0.0100005, 0.010002, 0.5]);
  assert.match(log.messages()[0], /^percent-overshoot\.jsonl line 2, column 25: "accuracy" 1\.0002 is above 1, and every accuracy of the file is within \[0, 100\]: they are read as percentages/);
});

test('in a file that is neither fractions nor percentages, an overshoot up to 1.0001 is read as 1, not null, and the warning says so', async () => {
  const log = await read('neither-overshoot.jsonl', ['{"step": 0, "accuracy": 1.0000001}', '{"step": 1, "accuracy": -0.5}', '{"step": 2, "accuracy": 0.5}']);
  assert.deepEqual(log.series()!.accuracy, [1, null, 0.5]);
  assert.deepEqual(log.messages(), [
    'neither-overshoot.jsonl line 2, column 25: "accuracy" -0.5 is below 0, neither a fraction in [0, 1] nor a percentage in [0, 100], so it is read as null (no value); the rest of its line is kept; the file\'s 1 accuracy in (1, 1.0001] is read as 1 (a fraction that float32 rounding carried past 1) — log accuracies as fractions in [0, 1], or all as percentages in [0, 100]',
  ]);
});

test('an unfinished last line whose accuracy overshoots 1 keeps the file fractions', async () => {
  const path = join(dir, 'tail-overshoot.jsonl');
  writeFileSync(path, '{"step": 0, "accuracy": 0.5}\n{"step": 1, "accuracy": 1.0000001}');
  const log = new MetricsLog(path, 'tail-overshoot.jsonl');
  await log.refresh(writing);
  assert.deepEqual(log.series()!.accuracy, [0.5, 1]);
  assert.deepEqual(log.messages(), []);
});
