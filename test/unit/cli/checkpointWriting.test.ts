/**
 * A breaker's findings on the checkpoints `flab train` writes (training.checkpoints; docs/checkpoints.md,
 * "Writing checkpoints"): a folder path with a NUL byte, a dangling link or under /sys gave raw Node
 * errors, and only once the data was read; a run could write more checkpoints than `flab checkpoints`
 * reads, and nothing bounded the bytes it wrote. Each is refused now before the data is read (the
 * folder) or before the first step (the plan), at its key, with the numbers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const REPO = resolve(__dirname, '../../../..');
const CLI = join(REPO, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-checkpoint-writing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function flab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** The 1-based line:column of `needle` in `text`. */
function position(text: string, needle: string): string {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${text}`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** A network file whose data file does not exist: a refusal that names the folder came before the data was read. */
function unreadable(path: string) {
  return { model: { hidden: [4] }, data: { format: 'csv', trainFile: 'no-such-data.csv' }, training: { learningRate: 0.5, steps: 6, record: { every: 2 }, checkpoints: { every: 2, path } } };
}

const STACK = /^\s+at .+[:(]\d+:\d+\)?$/m;

test('flab train: a checkpoint folder with a NUL byte, a dangling link, a link that loops, a file or a pipe on the way is refused in words at its key, before the data is read', () => {
  symlinkSync(join(dir, 'nowhere', 'at-all'), join(dir, 'dangling'));
  symlinkSync('loopB', join(dir, 'loopA'));
  symlinkSync('loopA', join(dir, 'loopB'));
  write('afile', 'x');
  mkdirSync(join(dir, 'has-link'));
  symlinkSync(join(dir, 'elsewhere.jsonl'), join(dir, 'has-link', 'metrics.jsonl'));
  const cases: [string, string][] = [
    ['run\u0000x', `${join(dir, 'run\\u0000x')}: the path holds a NUL byte (\\u0000, character ${join(dir, 'run').length + 1}), which no file or folder name can hold`],
    ['dangling', `${join(dir, 'dangling')}: ${join(dir, 'dangling')} is a symbolic link to ${join(dir, 'nowhere', 'at-all')}, which does not exist (a dangling link): make the folder it leads to, remove the link, or give training.checkpoints.path another folder`],
    ['dangling/run', `${join(dir, 'dangling/run')}: ${join(dir, 'dangling')} is a symbolic link to ${join(dir, 'nowhere', 'at-all')}, which does not exist (a dangling link): make the folder it leads to, remove the link, or give training.checkpoints.path another folder`],
    ['loopA', `${join(dir, 'loopA')}: ${join(dir, 'loopA')} is a symbolic link to loopB that loops (links lead back to themselves): give training.checkpoints.path another folder`],
    ['afile/run', `${join(dir, 'afile/run')}: ${join(dir, 'afile')} is a file, not a folder`],
    // A new run empties metrics.jsonl and appends to it: through a link, into whatever file it leads to (it made one outside the folder).
    ['has-link', `${join(dir, 'has-link')}: its metrics.jsonl is a symbolic link (to ${join(dir, 'elsewhere.jsonl')}): a new run empties it and appends to it, and would write into the file the link leads to — remove the link, or give training.checkpoints.path a folder of its own`],
  ];
  for (const [path, said] of cases) {
    const file = write('e.flab.json', unreadable(path));
    const text = readFileSync(file, 'utf8');
    const r = flab(['train', file]);
    assert.equal(r.code, 1, `${path}: ${r.stderr}`);
    assert.equal(r.stderr, `${file}:${position(text, JSON.stringify(path))}: error: cannot write checkpoints into ${said}\n`, path);
    assert.doesNotMatch(r.stderr, STACK);
  }
  assert.equal(existsSync(join(dir, 'elsewhere.jsonl')), false, 'nothing written through the link');
  assert.deepEqual(readdirSync(join(dir, 'has-link')), ['metrics.jsonl']);
});

test('flab train: a checkpoint folder under /sys (which refuses new entries even to root) is refused before the data is read, in words', { skip: !existsSync('/sys/kernel') }, () => {
  for (const [path, said] of [
    ['/sys/flab-no-such-folder', '/sys/flab-no-such-folder: it cannot be made: folders cannot be created in /sys'],
    ['/sys/kernel', '/sys/kernel: files cannot be created in it'],
  ]) {
    const file = write('sys.flab.json', unreadable(path));
    const text = readFileSync(file, 'utf8');
    const r = flab(['train', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.startsWith(`${file}:${position(text, `"${path}"`)}: error: cannot write checkpoints into ${said} (`), r.stderr);
    assert.match(r.stderr, /\((operation not permitted, EPERM|permission denied, EACCES|the file system is read-only, EROFS)\)\n$/);
  }
});

test('flab train: more checkpoints than flab checkpoints reads (2,000) are refused before the first step, with both numbers and the cadence that fits', () => {
  const e = { model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.1, steps: 9000, record: { every: 3 }, checkpoints: { every: 3, path: 'many' } } };
  const file = write('many.flab.json', e);
  const text = readFileSync(file, 'utf8');
  const r = flab(['train', file, '--summary']);
  assert.equal(r.code, 1, r.stderr);
  // ⌈9000/3⌉ + 1 = 3,001; the least multiple of 3 with ⌈9000/k⌉ + 1 ≤ 2,000 is 6 (1,501).
  assert.equal(
    r.stderr,
    `${file}:${position(text, '3,"path":"many"')}: error: training.checkpoints.every 3 writes 3,001 checkpoints over the run's 9,000 steps (at step 0, every 3 steps and at the last), more than the 2,000 a checkpoint experiment reads from one folder (flab checkpoints; docs/checkpoints.md, "Limits"): every 6 steps or more writes 1,501 checkpoints (a multiple of training.record.every, 3)\n`,
  );
  assert.equal(existsSync(join(dir, 'many')), false, 'nothing written, no folder made');
  // At the advised cadence the run trains and writes what flab checkpoints reads.
  writeFileSync(file, JSON.stringify({ ...e, training: { ...e.training, steps: 30, checkpoints: { every: 6, path: 'many' } } }));
  assert.equal(flab(['train', file, '--summary']).code, 0);
});

test('flab train: checkpoints beyond 16 GiB in all are refused before the first step, with the bytes per checkpoint and the cadence that fits', () => {
  // 784 → 3000 → 3000 → 10: 11,382,000 float32 weights, 45.5 MB a checkpoint; 401 of them are 17 GiB.
  const e = { model: { hidden: [3000, 3000] }, data: { dataset: 'mnist', train: 100 }, training: { batchSize: 1, epochs: 4, record: { every: 1 }, checkpoints: { every: 1, path: 'big' } } };
  const file = write('big.flab.json', e);
  const text = readFileSync(file, 'utf8');
  const r = flab(['train', file, '--summary']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${position(text, '1,"path":"big"')}: error: training\\.checkpoints\\.every 1 writes 401 checkpoints over the run's 400 steps \\(at step 0, every step and at the last\\), of 43\\.4 MiB each \\(the 784–3000–3000–10 network's weights in float32\\) and a metrics line: 17 GiB in all, more than the 16 GiB a run may write \\(docs/checkpoints\\.md, "Writing checkpoints"\\): every 2 steps or more writes 201 checkpoints\n$`,
    ),
  );
  assert.equal(existsSync(join(dir, 'big')), false, 'nothing written');
});

test('flab sweep: every value\'s checkpoint folder (<folder>/<key>=<value>) is checked before the data is read, not once the values before it have trained', () => {
  write('sweep/ck/init.scale=2', 'not a folder');
  const file = write('sweep/s.flab.json', { ...unreadable('ck'), sweep: { 'init.scale': [1, 2] } });
  const text = readFileSync(file, 'utf8');
  const r = flab(['sweep', file]);
  assert.equal(r.code, 1, r.stderr);
  const folder = join(dir, 'sweep/ck/init.scale=2');
  assert.equal(r.stderr, `${file}:${position(text, '"ck"')}: error: cannot write checkpoints into ${folder}: ${folder} is a file, not a folder\n`);
  assert.deepEqual(readdirSync(join(dir, 'sweep/ck')), ['init.scale=2'], 'the first value did not train');
  // `flab train` trains such a file once, as written, into the folder itself: its values' folders are not its concern.
  const t = flab(['train', file]);
  assert.match(t.stderr, /no-such-data\.csv/);
});

test('flab train refused for its output (after the data is read) leaves an earlier run\'s checkpoints and metrics.jsonl alone', () => {
  const e = (steps: number, every: number) => ({ model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.5, steps, record: { every: 1 }, checkpoints: { every, path: 'keep' } } });
  const file = write('keep.flab.json', e(4, 2));
  assert.equal(flab(['train', file, '--summary']).code, 0);
  const metrics = readFileSync(join(dir, 'keep', 'metrics.jsonl'), 'utf8');
  assert.equal(metrics.trim().split('\n').length, 3);
  // 10⁶ records of CSV pass the output limit: refused once the data gives the steps — the folder was
  // prepared before that check (step-000000… deleted, metrics.jsonl emptied).
  writeFileSync(file, JSON.stringify(e(999_999, 999)));
  const r = flab(['train', file, '--csv']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /over the output limit of 256 MiB/);
  assert.deepEqual(readdirSync(join(dir, 'keep')).sort(), ['metrics.jsonl', 'step-000000.safetensors', 'step-000002.safetensors', 'step-000004.safetensors']);
  assert.equal(readFileSync(join(dir, 'keep', 'metrics.jsonl'), 'utf8'), metrics);
});

test('flab train: a file without training.record.every is advised the least checkpoint cadence that fits, and no key it does not have', () => {
  // Its record cadence is chosen to divide the checkpoints' (every 3 runs): "every 4 … (a multiple of training.record.every, 2)" was advised.
  const e = { model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { steps: 3999, checkpoints: { every: 2, path: 'norecord' } } };
  const file = write('norecord.flab.json', e);
  const text = readFileSync(file, 'utf8');
  const r = flab(['train', file, '--summary']);
  assert.equal(r.code, 1, r.stderr);
  // ⌈3999/2⌉ + 1 = 2,001; the least k with ⌈3999/k⌉ + 1 ≤ 2,000 is 3 (1,334).
  assert.equal(
    r.stderr,
    `${file}:${position(text, '2,"path":"norecord"')}: error: training.checkpoints.every 2 writes 2,001 checkpoints over the run's 3,999 steps (at step 0, every 2 steps and at the last), more than the 2,000 a checkpoint experiment reads from one folder (flab checkpoints; docs/checkpoints.md, "Limits"): every 3 steps or more writes 1,334 checkpoints\n`,
  );
  assert.equal(existsSync(join(dir, 'norecord')), false);
});

test('flab sweep: a value refused for its checkpoint count is refused before any value trains, named at its sweep entry', () => {
  // In steps, before the data is read (a data file that does not exist proves it).
  const bySteps = { ...unreadable('swc'), sweep: { 'training.steps': [10, 5000] } };
  const file = write('swc/s.flab.json', bySteps);
  const text = readFileSync(file, 'utf8');
  const r = flab(['sweep', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `${file}:${position(text, '5000')}: error: sweep value 1, training.steps = 5000: training.checkpoints.every 2 writes 2,501 checkpoints over the run's 5,000 steps (at step 0, every 2 steps and at the last), more than the 2,000 a checkpoint experiment reads from one folder (flab checkpoints; docs/checkpoints.md, "Limits"): every 4 steps or more writes 1,251 checkpoints (a multiple of training.record.every, 2)\n`,
  );
  assert.equal(existsSync(join(dir, 'swc', 'swc')), false, 'no value trained');
  // In epochs, once the first run's data gives the steps, before its first step.
  const byEpochs = { model: { hidden: [4] }, data: { train: { x: [[1, 0], [0, 1], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { epochs: 1, batchSize: 1, checkpoints: { every: 1, path: 'swe' } }, sweep: { 'training.epochs': [1, 600] } };
  const epochs = write('swe/s.flab.json', byEpochs);
  const r2 = flab(['sweep', epochs, '--summary']);
  assert.equal(r2.code, 1, r2.stderr);
  assert.equal(r2.stdout, '');
  assert.match(r2.stderr, /: error: sweep value 1, training\.epochs = 600: training\.checkpoints\.every 1 writes 2,401 checkpoints over the run's 2,400 steps \(at step 0, every step and at the last\), more than the 2,000 .*: every 2 steps or more writes 1,201 checkpoints\n$/);
  assert.equal(existsSync(join(dir, 'swe', 'swe')), false, 'no value trained');
});

test('flab train: a checkpoint path that begins with "~" is refused (no shell expands it): it made a folder named "~"', () => {
  for (const path of ['~/ck', '~']) {
    const file = write('tilde/t.flab.json', unreadable(path));
    const text = readFileSync(file, 'utf8');
    const r = flab(['train', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      `${file}:${position(text, `"${path}"`)}: error: training.checkpoints.path "${path}" begins with "~", a shell's home folder, which is not expanded here (no shell reads the file): it would make a folder named "~" in the experiment file's folder — write the folder's whole path (${join(homedir(), path.slice(1))}), or a path relative to the experiment file\n`,
    );
    assert.deepEqual(readdirSync(join(dir, 'tilde')), ['t.flab.json'], 'no folder named ~ made');
  }
  // A folder whose name begins with "~" but is no home folder is a folder.
  assert.equal(flab(['train', write('tilde/b.flab.json', { ...unreadable('~backup/ck'), data: { train: { x: [[0, 1], [1, 0]], y: [0, 1] } } }), '--summary']).code, 0);
  assert.ok(existsSync(join(dir, 'tilde', '~backup', 'ck', 'metrics.jsonl')));
});

test('flab train: a checkpoint path under a symbolic link that loops names that link', () => {
  symlinkSync('loopD', join(dir, 'loopC'));
  symlinkSync('loopC', join(dir, 'loopD'));
  const file = write('loopUnder.flab.json', unreadable('loopC/x'));
  const text = readFileSync(file, 'utf8');
  const r = flab(['train', file]);
  assert.equal(r.code, 1, r.stderr);
  // It said "…/loopC/x cannot be looked at (too many symbolic links, ELOOP)".
  assert.equal(r.stderr, `${file}:${position(text, '"loopC/x"')}: error: cannot write checkpoints into ${join(dir, 'loopC/x')}: ${join(dir, 'loopC')} is a symbolic link to loopD that loops (links lead back to themselves): give training.checkpoints.path another folder\n`);
});

test('flab train: an earlier run\'s metrics.jsonl hard-linked elsewhere keeps its lines: the new run writes a new file, not the old one emptied in place', () => {
  const e = { model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.5, steps: 4, record: { every: 1 }, checkpoints: { every: 2, path: 'linked' } } };
  const file = write('linked.flab.json', e);
  assert.equal(flab(['train', file, '--summary']).code, 0);
  const metrics = readFileSync(join(dir, 'linked', 'metrics.jsonl'), 'utf8');
  linkSync(join(dir, 'linked', 'metrics.jsonl'), join(dir, 'kept-metrics.jsonl'));
  writeFileSync(file, JSON.stringify({ ...e, training: { ...e.training, learningRate: 0.1 } }));
  const r = flab(['train', file, '--summary']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'kept-metrics.jsonl'), 'utf8'), metrics, 'the other name keeps the earlier run\'s lines');
  assert.notEqual(readFileSync(join(dir, 'linked', 'metrics.jsonl'), 'utf8'), metrics);
  assert.equal(statSync(join(dir, 'kept-metrics.jsonl')).nlink, 1);
});

test('flab sweep over data.train: each value is planned with its own sample count, and refused before any value trains', () => {
  // Planned with the first run's 100 samples, value 1 (4,100 samples, 4,100 steps) passed the plan; value
  // 0 trained, then value 1 was refused at training.checkpoints.every, not named.
  const csv = write('swd/many.csv', Array.from({ length: 4100 }, (_, i) => `${i % 7},${i % 3},${i % 2}`).join('\n') + '\n');
  assert.ok(csv);
  const e = { model: { hidden: [3] }, data: { format: 'csv', trainFile: 'many.csv', header: false }, training: { epochs: 1, batchSize: 1, checkpoints: { every: 2, path: 'cks' } }, sweep: { 'data.train': [100, 4100] } };
  const file = write('swd/s.flab.json', e);
  const text = readFileSync(file, 'utf8');
  const r = flab(['sweep', file, '--summary']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^${file.replace(/[.]/g, '\\.')}:${position(text, '4100]')}: error: sweep value 1, data\\.train = 4100: training\\.checkpoints\\.every 2 writes 2,051 checkpoints over the run's 4,100 steps`));
  assert.equal(existsSync(join(dir, 'swd', 'cks')), false, 'no value trained');
  // Values that fit train, each with its own steps.
  const ok = flab(['sweep', write('swd/t.flab.json', { ...e, sweep: { 'data.train': [100, 1000] } }), '--summary']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(readdirSync(join(dir, 'swd', 'cks')).sort(), ['data.train=100', 'data.train=1000']);
});

test('--summary and --csv say where the checkpoints went, which only --json carried (the folder\'s earlier checkpoints were replaced without a word)', () => {
  const file = write('noted.flab.json', { model: { hidden: [3] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { steps: 4, checkpoints: { every: 2, path: 'noted' } } });
  const note = `${file}: note: 3 checkpoints written into ${join(dir, 'noted')} (step-000000.safetensors to step-000004.safetensors), with its metrics.jsonl (--json lists them)\n`;
  for (const format of ['--summary', '--csv']) {
    const r = flab(['train', file, format]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, note, format);
  }
  const json = flab(['train', file, '--json']);
  assert.equal(json.stderr, '');
  assert.deepEqual(JSON.parse(json.stdout).checkpoints.files, ['step-000000.safetensors', 'step-000002.safetensors', 'step-000004.safetensors']);
});
