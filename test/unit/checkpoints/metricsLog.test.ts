import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAX_METRICS_LINE_BYTES } from '../../../src/core/checkpoints/limits';
import { METRICS_CHUNK_BYTES, MetricsLog } from '../../../src/core/checkpoints/metricsLog';

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
  assert.deepEqual(log.series(), { step: [0, 10, 30, 40], loss: [2.3, 1.1, null, null], accuracy: [0.1, 0.4, 0.5, null], lossNotFinite: [30] });
  const messages = log.messages();
  assert.equal(messages.length, 5);
  // Each says that its line is skipped.
  // Located and worded by jsonc-parser, as the experiment file's syntax errors are (JSON.parse names no position for most).
  assert.equal(messages[0], 'a.jsonl line 4, column 1: not JSON: unexpected `not`: the line is skipped — each line should be one object such as {"step": 100, "loss": 0.31}');
  assert.deepEqual(messages.slice(1), [
    'a.jsonl line 5: expected an object such as {"step": 100, "loss": 0.31, "accuracy": 0.91}, found an array: the line is skipped',
    'a.jsonl line 6: "step" should be a non-negative integer, found nothing: the line is skipped',
    'a.jsonl line 7, column 10: "step" should be a non-negative integer, found -1: the line is skipped',
    'a.jsonl line 8, column 22: "loss" should be a finite number or null, found "high": the line is skipped',
  ]);
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
  assert.match(log.messages()[0], /^b.jsonl line 2, column 13 \(unfinished, no newline\): not JSON: unterminated string `"lo`/);
  appendFileSync(path, 'ss": 0.5}\n{"step": 3, "loss": 0.25}');
  assert.equal(await log.refresh(writing), true);
  // The last line has no newline yet but is a whole object: it counts.
  assert.deepEqual(log.series(), { step: [1, 2, 3], loss: [1, 0.5, 0.25], accuracy: [null, null, null], lossNotFinite: [] });
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
  assert.deepEqual(log.series(), { step: [7], loss: [3], accuracy: [null], lossNotFinite: [] });
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

test('numbers beyond the float64 range (1e309, which JSON.parse reads as Infinity) are said to be, at their line and column: a step skips its line, a loss or accuracy reads as null; NaN written bare is null', async () => {
  const path = join(dir, 'e.jsonl');
  writeFileSync(
    path,
    [
      '{"step": 1, "loss": 1e309}',
      '{"step": 2, "accuracy": -1e309, "loss": 0.5}',
      '{"step": 1e309}',
      '{"step": NaN, "loss": 1}',
      '{"step": 3, "loss": "NaN"}',
      '{"step": 4, "loss": NaN, "accuracy": -Infinity}',
      '{"step": 5, "loss": 1e308, "accuracy": 1e-400}',
      '',
    ].join('\n'),
  );
  const log = new MetricsLog(path, 'e.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.messages(), [
    'e.jsonl line 1, column 21: "loss" 1e309 is out of the float64 range (±1.8 × 10³⁰⁸), so it is read as null (no value), like a bare Infinity; the rest of the line is kept — write a number within the range, or null (or NaN) for no value',
    'e.jsonl line 2, column 25: "accuracy" -1e309 is out of the float64 range (±1.8 × 10³⁰⁸), so it is read as null (no value), like a bare -Infinity; the rest of the line is kept — write a number within the range, or null (or NaN) for no value',
    'e.jsonl line 3, column 10: "step" 1e309 is out of the float64 range (±1.8 × 10³⁰⁸): it would read as Infinity, so the line is skipped — log the step count itself',
    'e.jsonl line 4, column 10: "step" should be a non-negative integer, found NaN: the line is skipped',
    'e.jsonl line 5, column 21: "loss" should be a finite number or null, found "NaN": the line is skipped',
  ]);
  assert.deepEqual(log.series(), { step: [1, 2, 4, 5], loss: [null, 0.5, null, 1e308], accuracy: [null, null, null, 0], lossNotFinite: [1, 4] });
});

test('a loss or accuracy beyond the float64 range costs only itself: the line\'s valid values are kept, and the warning names each such key and its value as written', async () => {
  // {"step": 3, "loss": 0.5, "accuracy": 1e309} was skipped whole, its loss lost, with a warning that said neither.
  const path = join(dir, 'range.jsonl');
  writeFileSync(path, ['{"step": 3, "loss": 0.5, "accuracy": 1e309}', '{"step": 4, "loss": -1E+400, "accuracy": 2e308}', '{"step": 5, "loss": 1e309, "accuracy": "high"}', '{"step": 6, "loss": 0.25'].join('\n'));
  const log = new MetricsLog(path, 'range.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series(), { step: [3, 4], loss: [0.5, null], accuracy: [null, null], lossNotFinite: [4] });
  const kept = 'the rest of the line is kept — write a number within the range, or null (or NaN) for no value';
  assert.deepEqual(log.messages(), [
    `range.jsonl line 1, column 38: "accuracy" 1e309 is out of the float64 range (±1.8 × 10³⁰⁸), so it is read as null (no value), like a bare Infinity; ${kept}`,
    `range.jsonl line 2, column 21: "loss" -1E+400 and "accuracy" 2e308 are out of the float64 range (±1.8 × 10³⁰⁸), so they are read as null (no value), like a bare ±Infinity; ${kept}`,
    'range.jsonl line 3, column 40: "accuracy" should be a finite number or null, found "high": the line is skipped',
    'range.jsonl line 4, column 25 (unfinished, no newline): not JSON: a closing brace `}` was expected at the end of the line: the line is skipped — each line should be one object such as {"step": 100, "loss": 0.31}',
  ]);
  // An unfinished last line that is a whole object counts at once; its warning is said once the file has settled.
  writeFileSync(path, '{"step": 7, "loss": 0.5, "accuracy": 1e309}');
  const tail = new MetricsLog(path, 'range.jsonl');
  await tail.refresh(writing);
  assert.deepEqual(tail.series(), { step: [7], loss: [0.5], accuracy: [null], lossNotFinite: [] });
  assert.deepEqual(tail.messages(), []);
  await tail.refresh(settled);
  assert.deepEqual(tail.messages(), [`range.jsonl line 1, column 38 (unfinished, no newline): "accuracy" 1e309 is out of the float64 range (±1.8 × 10³⁰⁸), so it is read as null (no value), like a bare Infinity; ${kept}`]);
});

test('a step beyond 2⁵³ − 1 is refused as such (a float64 cannot hold it exactly), not as "not an integer"', async () => {
  const path = join(dir, 'f.jsonl');
  writeFileSync(path, ['{"step": 9007199254740991, "loss": 1}', '{"step": 9007199254740992, "loss": 2}', '{"step": 9007199254740993}', '{"step": 1e300}', ''].join('\n'));
  const log = new MetricsLog(path, 'f.jsonl');
  await log.refresh(settled);
  const beyond = (text: string, line: number) =>
    `f.jsonl line ${line}, column 10: "step" ${text} is beyond 9,007,199,254,740,991 (2⁵³ − 1), the largest integer a float64 holds exactly: steps beyond it cannot be told apart, so the line is skipped — log the step count itself`;
  assert.deepEqual(log.messages(), [beyond('9007199254740992', 2), beyond('9007199254740993', 3), beyond('1e300', 4)]);
  assert.deepEqual(log.series(), { step: [9007199254740991], loss: [1], accuracy: [null], lossNotFinite: [] });
});

test('a file of several read pieces is read piece by piece: lines across pieces, steps out of order, a later line of a step wins', async () => {
  const path = join(dir, 'g.jsonl');
  const lines: string[] = [];
  // Lines of uneven length, so that pieces end mid-line; steps descending in the second half.
  for (let i = 0, bytes = 0; bytes < 2.5 * METRICS_CHUNK_BYTES; i++) {
    lines.push(JSON.stringify({ step: i < 40_000 ? i : 1_000_000 - i, loss: i / 7, pad: 'x'.repeat(i % 97) }));
    bytes += lines[i].length + 1;
  }
  lines.push('{"step": 5, "loss": -1}');
  writeFileSync(path, lines.join('\n') + '\n{"step": 6, "loss"');
  const log = new MetricsLog(path, 'g.jsonl');
  await log.refresh(writing);
  const series = log.series()!;
  const expected = new Map<number, number>();
  for (const line of lines) {
    const o = JSON.parse(line) as { step: number; loss: number };
    expected.set(o.step, o.loss);
  }
  const steps = [...expected.keys()].sort((a, b) => a - b);
  assert.deepEqual(series.step, steps);
  assert.deepEqual(series.loss, steps.map((s) => expected.get(s)));
  assert.equal(series.loss[5], -1);
  assert.deepEqual(log.messages(), []);
  appendFileSync(path, ': 0.25}\n');
  await log.refresh(settled);
  assert.equal(log.series()!.loss[6], 0.25);
});

test('a metrics path that is not a regular file is refused, not opened, with what to do', async () => {
  const path = join(dir, 'folder.jsonl');
  mkdirSync(path);
  const log = new MetricsLog(path, 'folder.jsonl', true);
  await log.refresh(settled);
  assert.equal(log.series(), null);
  // In safetensors.ts's words (kindOf): it said "a folder", and "a device" for a character device.
  assert.deepEqual(log.messages(), ['folder.jsonl: is a directory, not a regular file, so it is not read: point checkpoints.metrics at the JSON Lines file']);
  const device = new MetricsLog('/dev/null', '/dev/null', true);
  await device.refresh(settled);
  assert.deepEqual(device.messages(), ['/dev/null: is a character device, not a regular file, so it is not read: point checkpoints.metrics at the JSON Lines file']);
  if (spawnSync('mkfifo', [join(dir, 'pipe.jsonl')]).status === 0) {
    const pipe = new MetricsLog(join(dir, 'pipe.jsonl'), 'pipe.jsonl', true);
    await pipe.refresh(settled);
    assert.deepEqual(pipe.messages(), ['pipe.jsonl: is a named pipe, not a regular file, so it is not read: point checkpoints.metrics at the JSON Lines file']);
  }
});

test('a file that says it has 0 bytes but has more (/proc) is read to its end, again from its start each time; one that cannot be read says why', { skip: !existsSync('/proc/self/status') && 'no /proc' }, async () => {
  // /proc/self/status reports a size of 0: its lines were never read, and nothing said so.
  const status = new MetricsLog('/proc/self/status', 'status', true);
  await status.refresh(settled);
  assert.equal(statSync('/proc/self/status').size, 0);
  assert.deepEqual(status.series(), { step: [], loss: [], accuracy: [], lossNotFinite: [] });
  const first = status.messages();
  assert.match(first[0], /^status line 1, column 1: not JSON: unexpected `Name`: .*: the line is skipped/);
  assert.match(first[20], /^status: \d+ more bad lines$/);
  // Its values change between reads (VmSize, State): only where each message is, is compared.
  const where = (messages: string[]) => messages.slice(0, 20).map((m) => m.slice(0, m.indexOf(':')));
  await status.refresh(settled);
  assert.deepEqual(where(status.messages()), where(first), 'read again from line 1, not on from where the last read ended');
  // Reading /proc/self/mem at byte 0 fails (EIO): said, not thrown.
  const mem = new MetricsLog('/proc/self/mem', 'mem', true);
  await mem.refresh(settled);
  assert.equal(mem.series(), null);
  assert.deepEqual(mem.messages(), ['mem: cannot be read (EIO), so it is not read: point checkpoints.metrics at the JSON Lines file']);
});

test('a metrics path that is a link to nothing, or a link in a loop, says so', async () => {
  // Both said only "no such file" or "cannot be read (ELOOP)".
  symlinkSync(join(dir, 'nowhere.jsonl'), join(dir, 'dangling.jsonl'));
  const dangling = new MetricsLog(join(dir, 'dangling.jsonl'), 'dangling.jsonl', true);
  await dangling.refresh(settled);
  assert.deepEqual(dangling.messages(), [`dangling.jsonl: is a symbolic link to ${join(dir, 'nowhere.jsonl')}, which does not exist (it is read once it does)`]);
  symlinkSync(join(dir, 'loop-b.jsonl'), join(dir, 'loop-a.jsonl'));
  symlinkSync(join(dir, 'loop-a.jsonl'), join(dir, 'loop-b.jsonl'));
  const loop = new MetricsLog(join(dir, 'loop-a.jsonl'), 'loop-a.jsonl', true);
  await loop.refresh(settled);
  assert.deepEqual(loop.messages(), ['loop-a.jsonl: is a symbolic link in a loop (a link that leads back to itself), so it is not read: point checkpoints.metrics at the JSON Lines file']);
  const missing = new MetricsLog(join(dir, 'none.jsonl'), 'none.jsonl', true);
  await missing.refresh(settled);
  assert.deepEqual(missing.messages(), ['none.jsonl: no such file (it is read once it exists)']);
});

test('a line longer than MAX_METRICS_LINE_BYTES is skipped unread, within a piece, across pieces and across refreshes', async () => {
  // One line of 250 MB of nested arrays took 5 GB to parse and crashed the process.
  const path = join(dir, 'long.jsonl');
  const long = (bytes: number) => `{"step": 5, "pad": "${'x'.repeat(bytes - 22)}"}`;
  const short = long(MAX_METRICS_LINE_BYTES - 100);
  assert.ok(short.length < MAX_METRICS_LINE_BYTES);
  // Within one piece (2 MiB), then across pieces (9 MiB, more than two of METRICS_CHUNK_BYTES).
  writeFileSync(path, `{"step": 0, "loss": 1}\n${long(2 * 2 ** 20)}\n{"step": 10, "loss": 2}\n${long(9 * 2 ** 20)}\n${short}\n{"step": 20, "loss": 3}\n`);
  const log = new MetricsLog(path, 'long.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [0, 5, 10, 20], 'the lines around them, and a long line within the limit, are read');
  const messages = log.messages();
  assert.equal(messages.length, 2, messages.join('\n'));
  assert.equal(messages[0], `long.jsonl line 2: ${(2 * 2 ** 20).toLocaleString('en-US')} bytes, more than the 1,048,576 of a metrics line (a step and a few numbers): skipped without being read`);
  assert.match(messages[1], /^long\.jsonl line 4: 9,437,184 bytes, more than/);
  // Across refreshes: a long line being written is dropped as it comes, then skipped once its newline comes.
  const grow = join(dir, 'grow.jsonl');
  writeFileSync(grow, `{"step": 0, "loss": 1}\n{"step": 1, "pad": "${'y'.repeat(3 * 2 ** 20)}`);
  const g = new MetricsLog(grow, 'grow.jsonl');
  await g.refresh(writing);
  assert.deepEqual(g.series()?.step, [0]);
  assert.match(g.messages().join('\n'), /^grow\.jsonl line 2 \(unfinished, no newline\): 3,145,748 bytes so far, more than/);
  appendFileSync(grow, `${'y'.repeat(2 ** 20)}"}\n{"step": 2, "loss": 5}\n`);
  await g.refresh(settled);
  assert.deepEqual(g.series()?.step, [0, 2], 'the line after it is read from its first byte');
  assert.deepEqual(g.series()?.loss, [1, 5]);
  assert.deepEqual(g.messages(), [`grow.jsonl line 2: ${(3 * 2 ** 20 + 20 + 2 ** 20 + 2).toLocaleString('en-US')} bytes, more than the 1,048,576 of a metrics line (a step and a few numbers): skipped without being read`]);
});

test('a line that writes step, loss or accuracy twice is skipped with both columns; other keys twice are ignored with them', async () => {
  // JSON.parse keeps the last: {"step": 20, "step": 40} was read as step 40, silently.
  const path = join(dir, 'twice.jsonl');
  writeFileSync(path, ['{"step": 20, "step": 40, "loss": 2}', '{"step": 0, "loss": 1, "loss": 3}', '{"\\u0073tep": 7, "step": 8}', '{"step": 9, "loss": 0.5, "note": "a", "note": "b"}', '{"step": 10, "loss": 0.25, "text": "\\"step\\" \\"step\\""}', ''].join('\n'));
  const log = new MetricsLog(path, 'twice.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [9, 10], 'a repeated key it does not read, and its name inside a string, are no problem');
  assert.deepEqual(log.messages(), [
    'twice.jsonl line 1, column 14: "step" is written twice (columns 2 and 14): JSON keeps the last silently, so the line is skipped — write each key once',
    'twice.jsonl line 2, column 24: "loss" is written twice (columns 13 and 24): JSON keeps the last silently, so the line is skipped — write each key once',
    'twice.jsonl line 3, column 18: "step" is written twice (columns 2 and 18): JSON keeps the last silently, so the line is skipped — write each key once',
  ]);
});

test('a repeated step, loss or accuracy is found whichever key is repeated first: after another repeated key, a nested one, an escaped spelling', async () => {
  // Only the first repeated key of a line was looked at: {"note": 1, "note": 2, "step": 1, "step": 2} was read as step 2, silently.
  const path = join(dir, 'twice-later.jsonl');
  writeFileSync(
    path,
    [
      '{"note": 1, "note": 2, "step": 1, "step": 2}',
      '{"x": {"a": 1, "a": 2}, "step": 3, "step": 4}',
      '{"loss": 1, "st\\u0065p": 5, "note": 0, "note": 1, "step": 6}',
      '{"accuracy": 0.5, "x": [{"accuracy": 1}], "accuracy": 0.7, "step": 7}',
      '{"step": 8, "loss": 1, "x": {"step": 1, "step": 2}, "note": 0, "note": 1}',
      '',
    ].join('\n'),
  );
  const log = new MetricsLog(path, 'twice-later.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [8], 'keys repeated inside a nested object, or keys it does not read, are no problem');
  const twice = (line: number, key: string, a: number, b: number) =>
    `twice-later.jsonl line ${line}, column ${b}: "${key}" is written twice (columns ${a} and ${b}): JSON keeps the last silently, so the line is skipped — write each key once`;
  assert.deepEqual(log.messages(), [twice(1, 'step', 24, 35), twice(2, 'step', 25, 36), twice(3, 'step', 13, 51), twice(4, 'accuracy', 2, 43)]);
});

test('a line of bytes that are not UTF-8 is said to be so, at its column; a fault JSON.parse names no position for is located', async () => {
  // Before: "not JSON (Unexpected token '�', "��" is not valid JSON)", at no column (a fresh tester's line of ff fe).
  const path = join(dir, 'bytes.jsonl');
  writeFileSync(path, Buffer.concat([Buffer.from('{"step": 0, "loss": 1}\n{"step": 1, "loss": '), Buffer.from([0xff, 0xfe]), Buffer.from('}\n{"step": 2, loss: 3}\n')]));
  const log = new MetricsLog(path, 'bytes.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [0]);
  assert.deepEqual(log.messages(), [
    'bytes.jsonl line 2, column 21: not UTF-8 text (the metrics file should be UTF-8 JSON Lines): the line is skipped — each line should be one object such as {"step": 100, "loss": 0.31}',
    'bytes.jsonl line 3, column 13: not JSON: unexpected `loss`: a property name is written in double quotes, "loss": the line is skipped — each line should be one object such as {"step": 100, "loss": 0.31}',
  ]);
});

test('a byte-order mark before the first line is not part of it, and a CRLF line\'s \\r does not count toward the line limit', async () => {
  // The BOM made line 1 "not JSON (Unexpected token '…')" and lost step 0; a 1 MiB line ending in CRLF was refused as 1,048,577 bytes.
  const bom = join(dir, 'bom.jsonl');
  writeFileSync(bom, '\ufeff{"step": 0, "loss": 1}\n{"step": 1, "loss": 2}\n');
  const log = new MetricsLog(bom, 'bom.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [0, 1]);
  assert.deepEqual(log.messages(), []);
  const only = join(dir, 'bom-tail.jsonl');
  writeFileSync(only, '\ufeff{"step": 3, "loss": 1}');
  const tail = new MetricsLog(only, 'bom-tail.jsonl');
  await tail.refresh(settled);
  assert.deepEqual(tail.series()?.step, [3], 'an unfinished first line too');
  const crlf = join(dir, 'crlf.jsonl');
  const line = `{"step": 4, "pad": "${'x'.repeat(MAX_METRICS_LINE_BYTES - 22)}"}`;
  assert.equal(line.length, MAX_METRICS_LINE_BYTES);
  writeFileSync(crlf, `${line}\r\n{"step": 5, "loss": 1}\r\n`);
  const c = new MetricsLog(crlf, 'crlf.jsonl');
  await c.refresh(settled);
  assert.deepEqual(c.series()?.step, [4, 5]);
});

test('lines may end in \\r alone (old Mac OS), \\r\\n or \\n, mixed, also where a read piece or a refresh splits a \\r\\n', async () => {
  // A file of \r-ended lines was one line: "not JSON", or skipped as longer than 1 MiB, and every step lost.
  const path = join(dir, 'cr.jsonl');
  writeFileSync(path, '{"step": 0, "loss": 1}\r{"step": 1, "loss": 2}\roops\r\n{"step": 3, "loss": 4}\n\r{"step": 5, "loss": 6}\r');
  const log = new MetricsLog(path, 'cr.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series(), { step: [0, 1, 3, 5], loss: [1, 2, 4, 6], accuracy: [null, null, null, null], lossNotFinite: [] });
  assert.deepEqual(
    log.messages().map((m) => m.slice(0, m.indexOf(':'))),
    ['cr.jsonl line 3, column 1'],
    'line 5 is blank (\\n then \\r), so the last is line 6',
  );
  // A writer's \r\n split across refreshes: the \r alone ends no line yet.
  appendFileSync(path, '\n{"step": 7, "loss": 8}\r');
  await log.refresh(settled);
  appendFileSync(path, '\noops\r\n');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [0, 1, 3, 5, 7]);
  assert.deepEqual(
    log.messages().map((m) => m.slice(0, m.indexOf(':'))),
    ['cr.jsonl line 3, column 1', 'cr.jsonl line 8, column 1'],
  );
  // Across read pieces: a \r\n whose \r ends the first piece, then a \r alone that ends the second.
  const pieces = join(dir, 'cr-pieces.jsonl');
  let text = '';
  let lines = 0;
  const line = (step: number, length: number) => {
    const head = `{"step": ${step}, "pad": "`;
    return head + 'x'.repeat(length - head.length - 2) + '"}';
  };
  for (let k = 1; k <= 2; k++) {
    while (text.length < k * METRICS_CHUNK_BYTES - 2000) text += line(lines++, 300) + '\r';
    text += line(lines++, k * METRICS_CHUNK_BYTES - 1 - text.length) + (k === 1 ? '\r\n' : '\r');
  }
  text += 'oops\r' + line(lines + 1, 100) + '\r';
  writeFileSync(pieces, text);
  const p = new MetricsLog(pieces, 'cr-pieces.jsonl');
  await p.refresh(settled);
  assert.equal(p.series()?.step.length, lines + 1);
  assert.deepEqual(p.messages().map((m) => m.slice(0, m.indexOf(':'))), [`cr-pieces.jsonl line ${lines + 1}, column 1`]);
});

test('a line longer than MAX_METRICS_LINE_BYTES may end in \\r alone: skipped, and the next line read', async () => {
  const path = join(dir, 'cr-long.jsonl');
  writeFileSync(path, `{"step": 0, "loss": 1}\r{"step": 1, "pad": "${'x'.repeat(2 * MAX_METRICS_LINE_BYTES)}"}\r{"step": 2, "loss": 3}\r\n`);
  const log = new MetricsLog(path, 'cr-long.jsonl');
  await log.refresh(settled);
  assert.deepEqual(log.series()?.step, [0, 2]);
  assert.deepEqual(log.messages(), [`cr-long.jsonl line 2: ${(2 * MAX_METRICS_LINE_BYTES + 22).toLocaleString('en-US')} bytes, more than the 1,048,576 of a metrics line (a step and a few numbers): skipped without being read`]);
});

test('a loss written with no number — null, NaN, ±Infinity, beyond float64 — is lossNotFinite at its step; one left out is not; the unfinished last line counts, a later line of the step replaces it', async () => {
  const path = join(dir, 'diverged.jsonl');
  writeFileSync(path, ['{"step": 0, "loss": 2.3}', '{"step": 1, "accuracy": 0.5}', '{"step": 2, "loss": null}', '{"step": 3, "loss": NaN}', '{"step": 4, "loss": -Infinity}', '{"step": 5, "loss": 1e309}', '{"step": 6, "loss": 1}', '{"step": 2, "loss": 0.5}', '{"step": 7, "loss": null}'].join('\n'));
  const log = new MetricsLog(path, 'diverged.jsonl');
  await log.refresh(writing);
  // Step 2's later line has a number; step 7 is the unfinished last line (no newline), read as it stands.
  assert.deepEqual(log.series(), { step: [0, 1, 2, 3, 4, 5, 6, 7], loss: [2.3, null, 0.5, null, null, null, 1, null], accuracy: [null, 0.5, null, null, null, null, null, null], lossNotFinite: [3, 4, 5, 7] });
  appendFileSync(path, '\n{"step": 7, "loss": 0.25}\n');
  await log.refresh(writing);
  assert.deepEqual(log.series()!.lossNotFinite, [3, 4, 5]);
});
