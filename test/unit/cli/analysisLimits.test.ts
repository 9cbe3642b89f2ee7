/**
 * A reviewer's findings on the CLI's limits and on where its refusals point (issue 8, kinds 1 and
 * 5–6; docs/limits.md): a file too large to parse in bounded memory is refused before parsing and the
 * largest accepted one runs within 1 GiB of heap; a sweep's failed run is located at the sweep's
 * entry; phase axes that the file does not have are usage errors; output paths are checked before the
 * work; the total work and re-validations of sweeps, scans and phase axes are bounded before the first
 * run; a long command draws a counter on a terminal, and nothing elsewhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { writeSafetensors } from '../../../src/core/checkpoints/writeSafetensors';
import { MAX_JSON_TOKENS } from '../../../src/core/experiment/limits';
import { countJsonTokens } from '../../../src/core/experiment/parse';
import { FileReader } from '../../../src/cli/experimentFile';
import { outputFileProblem } from '../../../src/cli/outputFile';
import { checkpointFolderProblem } from '../../../src/core/checkpoints/checkpointFolder';
import { PROGRESS_DELAY_MS, progressCounter } from '../../../src/cli/progress';
import { runCli } from '../../../src/cli/run';
import { MAX_TRAINING_SWEEP_WORK } from '../../../src/cli/limits';
import { trainingWork } from '../../../src/cli/network/sweep';

const REPO = resolve(__dirname, '../../../..');
const CLI = join(REPO, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-analysis-limits-'));
const STACK = /^\s+at .+[:(]\d+:\d+\)?$/m;
const PHASE_USAGE = 'usage: flab phase FILE --x KEY=FROM:TO --y KEY=FROM:TO [--size N|NxM] [--linear] [--descent] [--json | --csv | --svg OUT]';

function flab(args: string[], options: { heapMiB?: number; timeout?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const heap = options.heapMiB ? [`--max-old-space-size=${options.heapMiB}`] : [];
  const r = spawnSync(process.execPath, [...heap, CLI, ...args], { encoding: 'utf8', timeout: options.timeout ?? 60_000, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

/** runCli on in-memory files. */
function run(args: string[], files: Record<string, string>, progress?: Parameters<typeof runCli>[2]) {
  const reader: FileReader = {
    readText: (f) => {
      if (!(f in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return files[f];
    },
  };
  return runCli(args, reader, progress);
}

const BASE = `{
  "model": { "width": 4 },
  "data": { "x": [1], "y": 1 },
  "init": { "scaleU": 0.1, "scaleW": 0.1, "seed": 1 },
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "points": 10 }
}`;

/** BASE with a sweep as its last key (line 7). */
function withSweep(sweep: string, base = BASE): string {
  return base.replace('"time": { "points": 10 }', `"time": { "points": 10 },\n  "sweep": ${sweep}`);
}

/** The one-based line:column of the first `needle` in `text`. */
function position(text: string, needle: string, from = 0): string {
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

test('a sweep\'s bad value is located at the sweep\'s entry, with the value as written, not at the file\'s own value', async () => {
  const text = withSweep('{ "data.y": [1, 1e200] }');
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith(`f.flab.json:${position(text, '1e200]')}: error: sweep value 1, data.y = 1e200: the initial loss`), r.stderr);
  assert.match(r.stderr, /data\.y must be ≤ about 2\.4e153/);
  // A range: at the range, with its computed value.
  const range = withSweep('{ "data.y": { "from": 1, "to": 1e200, "count": 3 } }');
  const q = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': range });
  assert.equal(q.code, 1);
  assert.ok(q.stderr.startsWith(`f.flab.json:${position(range, '{ "from"')}: error: sweep value 2, data.y = 1e200: `), q.stderr);
});

test('a refused sweep value says its key and value once', async () => {
  const range = withSweep('{ "outputScale": { "from": 1, "to": 1e300, "count": 3 } }');
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': range });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith(`f.flab.json:${position(range, '{ "from"')}: error: sweep value 2, model.outputScale = 1e300: the initial`), r.stderr);
  assert.equal(r.stderr.split('model.outputScale = ').length, 2, r.stderr);
  // The target's own message names it as `data.y (its size |y|) = …`: said once, as the sweep's value.
  const y = withSweep('{ "data.y": { "from": 1e-1, "to": 1e300, "count": 5 } }');
  const q = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': y });
  assert.equal(q.code, 1);
  assert.ok(q.stderr.includes('error: sweep value 3, data.y = 5.62341325190349e224: the initial loss'), q.stderr);
  assert.doesNotMatch(q.stderr, /its size/);
  const ok = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': withSweep('{ "outputScale": { "from": 1, "to": 100, "count": 9 } }') });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).values, [1, 1.77827941003892, 3.16227766016838, 5.62341325190349, 10, 17.7827941003892, 31.6227766016838, 56.2341325190349, 100]);
  // --table: one line per value with its label and numbers, the header first.
  const table = await run(['sweep', 'f.flab.json', '--table'], { 'f.flab.json': withSweep('{ "outputScale": { "from": 1, "to": 100, "count": 9 } }') });
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^model\.outputScale +status +label +ζ initial +ζ final +final loss +kernel change +distance$/);
  const summaries = JSON.parse(ok.stdout).summaries;
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/ +/).slice(0, 3)), summaries.map((x: { label: string }, i: number) => [String(Number(JSON.parse(ok.stdout).values[i].toPrecision(4))), 'finished', x.label]));
  lines.slice(1).forEach((l, i) => assert.equal(Number(l.trim().split(/ +/)[4]), Number(summaries[i].zetaFinal.toPrecision(4))));
});

test('a log sweep of time.end in a gradient-descent file runs whole steps; in a linear file, the flow\'s own times', async () => {
  const relu = withSweep('{ "time.end": { "from": 10, "to": 1000, "count": 5 } }', BASE.replace('"width": 4 }', '"width": 4, "activation": "relu" }'));
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': relu });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).values, [10, 32, 100, 316, 1000]);
  const linear = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': withSweep('{ "time.end": { "from": 10, "to": 1000, "count": 5 } }') });
  assert.equal(linear.code, 0, linear.stderr);
  assert.deepEqual(JSON.parse(linear.stdout).values, [10, 31.6227766016838, 100, 316.227766016838, 1000]);
  // A list is the user's own numbers: a fraction of a step is refused at its entry.
  const list = withSweep('{ "time.end": [10, 31.5] }', BASE.replace('"width": 4 }', '"width": 4, "activation": "relu" }'));
  const q = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': list });
  assert.equal(q.code, 1);
  assert.ok(q.stderr.startsWith(`f.flab.json:${position(list, '31.5]')}: error: sweep value 1, time.end = 31.5: time.end counts gradient-descent steps`), q.stderr);
});

test('a refused weightDecay sweep (a key the file leaves out) is located at its entry, not at 1:1', async () => {
  const text = withSweep('{ "weightDecay": [0, 1e300] }');
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith(`f.flab.json:${position(text, '1e300]')}: error: sweep value 1, weightDecay = 1e300: `), r.stderr);
  assert.match(r.stderr, /the layers decay by more than e\^\{1e300\}/);
});

test('a sweep over a key that is not a parameter is an unknown key with the list of keys that can be swept', async () => {
  for (const key of ['__proto__', 'constructor', 'name']) {
    const text = withSweep(`{ "${key}": [0, 1] }`);
    const r = await run(['sweep', 'f.flab.json'], { 'f.flab.json': text });
    assert.equal(r.code, 1, key);
    assert.ok(r.stderr.startsWith(`f.flab.json:${position(text, '[0, 1]')}: error: sweep: `), r.stderr);
    assert.match(r.stderr, /numeric keys are `model\.width`, `model\.outputScale`, `data\.y`, .*`weightDecay` \(or a path into an array, like `data\.x\[0\]`\)\n$/, key);
  }
});

test('flab phase: an axis without =FROM:TO, an index the file does not have, an array it does not have: usage errors (exit 2) with the usage line', async () => {
  const samples = BASE.replace('"x": [1], "y": 1', '"samples": [{ "x": [1], "y": 1 }, { "x": [2], "y": 1 }]');
  const cases: [string, string, string][] = [
    [BASE, 'weightDecay', '--x: expected KEY=FROM:TO, got `weightDecay`'],
    [BASE, 'data.x[3]=1:2', '--x: data.x has 1 entry in the file (indices 0 to 0), so data.x[3] is not one of its values'],
    [samples, 'data.x[0]=1:2', '--x: data.x[0] is not a key of this file\'s data, which is written as { "samples" }'],
    [samples, 'data.y=1:2', '--x: data.y is not a key of this file\'s data, which is written as { "samples" }'],
    [BASE, 'init.u[0]=1:2', '--x: init.u[0] is not a key of this file\'s init, which is written as { "scaleU", "scaleW", "seed" }'],
  ];
  for (const [text, axis, message] of cases) {
    const r = await run(['phase', 'f.flab.json', '--x', axis, '--y', 'init.scaleU=0.1:1', '--size', '2'], { 'f.flab.json': text });
    assert.equal(r.code, 2, axis);
    assert.equal(r.stderr, `flab: ${message}\n${PHASE_USAGE}\n\`flab phase --help\` lists its options\n`, axis);
  }
  // An index the file has is an axis.
  const ok = await run(['phase', 'f.flab.json', '--x', 'data.x[0]=1:2', '--y', 'init.scaleU=0.1:1', '--size', '2'], { 'f.flab.json': BASE });
  assert.equal(ok.code, 0, ok.stderr);
});

test('flab phase: weightDecay and the time grid are not axes (the label is the closed-form t → ∞ limit)', async () => {
  for (const key of ['weightDecay', 'time.end', 'time.points', 'time.start']) {
    const r = await run(['phase', 'missing.flab.json', '--x', `${key}=1:2`, '--y', 'init.scaleU=0.1:1'], {});
    assert.equal(r.code, 2, key);
    assert.ok(r.stderr.startsWith(`flab: --x: ${key} cannot be an axis: every cell of a phase diagram runs the file's own time range and step budget, and the closed-form flow of a cell has no weight decay; axes are \`model.width\`, \`model.outputScale\`, \`data.y\`, \`init.scaleU\`, \`init.scaleW\`, \`init.seed\`, \`learningRates.u\`, \`learningRates.W\``), r.stderr);
  }
});

test('phase --svg OUT is checked before the file is read and the diagram computed', async () => {
  const file = write('svg/ok.flab.json', BASE);
  write('svg/a-file', 'x');
  const cases: [string, string][] = [
    [join(dir, 'svg/no-such-folder/out.svg'), `its folder ${join(dir, 'svg/no-such-folder')} does not exist`],
    [join(dir, 'svg'), `it is a folder: give a file's name, like ${join(dir, 'svg/figure.svg')}`],
    [join(dir, 'svg/a-file/out.svg'), `a part of ${join(dir, 'svg/a-file/out.svg')} before its last is a file, not a folder`],
  ];
  for (const [out, why] of cases) {
    // The experiment file does not exist: the flag is refused first.
    const r = await run(['phase', 'missing.flab.json', '--x', 'init.scaleW=0.1:1', '--y', 'init.scaleU=0.1:1', '--svg', out], {});
    assert.equal(r.code, 2, out);
    assert.equal(r.stderr, `flab: --svg ${out}: cannot write the figure there: ${why}\n${PHASE_USAGE}\n\`flab phase --help\` lists its options\n`);
  }
  const out = join(dir, 'svg/figure.svg');
  const r = flab(['phase', file, '--x', 'init.scaleW=0.1:1', '--y', 'init.scaleU=0.1:1', '--size', '4', '--svg', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), /^<svg/);
});

test('phase --svg never replaces the experiment file, nor writes where no file can be created', async () => {
  const file = write('svg-input/mine.flab.json', BASE);
  const link = join(dir, 'svg-input/link.svg');
  symlinkSync(file, link);
  const axes = ['--x', 'init.scaleW=0.1:1', '--y', 'init.scaleU=0.1:1', '--size', '4'];
  const cases: [string, string][] = [
    // The tester's case: OUT was FILE itself, and the experiment became an SVG (exit 0, no word).
    [file, `it is an experiment file's name (*.flab.json): give the figure a name of its own, like ${join(dir, 'svg-input/mine')}.svg`],
    [join(dir, 'svg-input/other.flab.json'), `it is an experiment file's name (*.flab.json): give the figure a name of its own, like ${join(dir, 'svg-input/other')}.svg`],
    [link, `it is a symbolic link (to ${file}): the figure is written to a file of that name, not through a link, which may lead to any file`],
    // /proc's folder allows root to write; the file system refuses: found by creating the file, before the work (it failed after 12 s).
    ['/proc/flab-figure.svg', 'a file cannot be created there (ENOENT)'],
  ];
  for (const [out, why] of cases) {
    const r = await run(['phase', file, ...axes, '--svg', out], {});
    assert.equal(r.code, 2, out);
    assert.equal(r.stderr, `flab: --svg ${out}: cannot write the figure there: ${why}\n${PHASE_USAGE}\n\`flab phase --help\` lists its options\n`);
  }
  assert.equal(readFileSync(file, 'utf8'), BASE, 'the experiment is as written');
  assert.equal(outputFileProblem(join(dir, 'svg-input/new.svg')), null);
  assert.equal(existsSync(join(dir, 'svg-input/new.svg')), false, 'the probe leaves no file behind');
});

test('phase --svg replaces only a figure: not another experiment through a link, a hard link or another case; - is standard output', async () => {
  const file = write('svg-other/a.flab.json', BASE);
  const other = write('svg-other/k.flab.json', BASE);
  const axes = ['--x', 'init.scaleW=0.1:1', '--y', 'init.scaleU=0.1:1', '--size', '4'];
  symlinkSync('k.flab.json', join(dir, 'svg-other/fig.svg'));
  linkSync(other, join(dir, 'svg-other/hard.svg'));
  write('svg-other/notes.txt', 'my notes');
  write('svg-other/old.svg', '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  write('svg-other/empty.svg', '');
  const cases: [string, string][] = [
    // The second tester's cases: k.flab.json became an SVG through fig.svg -> k.flab.json, and through a hard link.
    ['fig.svg', 'it is a symbolic link (to k.flab.json): the figure is written to a file of that name, not through a link, which may lead to any file'],
    ['hard.svg', 'it is there and is not a figure (it begins with `{\\n  "model":`): only an SVG or an empty file is replaced — remove it, or give another name'],
    ['notes.txt', 'it is there and is not a figure (it begins with `my notes`): only an SVG or an empty file is replaced — remove it, or give another name'],
    ['K.FLAB.JSON', `it is an experiment file's name (*.flab.json): give the figure a name of its own, like ${join(dir, 'svg-other/K')}.svg`],
  ];
  for (const [name, why] of cases) {
    const out = join(dir, 'svg-other', name);
    const r = await run(['phase', file, ...axes, '--svg', out], {});
    assert.equal(r.code, 2, name);
    assert.equal(r.stderr.split('\n')[0], `flab: --svg ${out}: cannot write the figure there: ${why}`);
  }
  assert.equal(readFileSync(other, 'utf8'), BASE, 'the other experiment is as written');
  for (const name of ['old.svg', 'empty.svg']) assert.equal(outputFileProblem(join(dir, 'svg-other', name)), null, `${name} is replaced`);
  // A named pipe or a device is refused unopened: opening a pipe to read its first bytes waited for a writer for ever.
  const fifo = join(dir, 'svg-other', 'pipe.svg');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assert.equal(outputFileProblem(fifo), 'it is a named pipe (FIFO), not a file: give the figure a file\'s name, like figure.svg');
  assert.equal(outputFileProblem('/dev/full'), 'it is a device, not a file: give the figure a file\'s name, like figure.svg');
  assert.equal(outputFileProblem('/dev/null'), 'it is a device, not a file: give the figure a file\'s name, like figure.svg');
  const stdout = flab(['phase', file, ...axes, '--svg', '-']);
  assert.equal(stdout.code, 0, stdout.stderr);
  assert.match(stdout.stdout, /^<svg /);
  assert.equal(existsSync(join(process.cwd(), '-')), false, 'no file named -');
});

test('output paths: a file\'s folder must exist and be writable; a folder to create needs a writable ancestor', () => {
  write('paths/file', 'x');
  assert.equal(outputFileProblem(join(dir, 'paths/new.svg')), null);
  assert.equal(outputFileProblem(join(dir, 'paths/file')), 'it is there and is not a figure (it begins with `x`): only an SVG or an empty file is replaced — remove it, or give another name');
  write('paths/figure.svg', '\uFEFF  <?xml version="1.0"?><svg/>');
  assert.equal(outputFileProblem(join(dir, 'paths/figure.svg')), null, 'an existing figure is replaced');
  // The checkpoint folder of train and sweep (checkpointFolderProblem, which replaced outputFolderProblem).
  assert.equal(checkpointFolderProblem(join(dir, 'paths/new/deeper')), null, 'created with its parents');
  assert.equal(checkpointFolderProblem(join(dir, 'paths/file')), `${join(dir, 'paths/file')} is a file, not a folder`);
  assert.equal(checkpointFolderProblem(join(dir, 'paths/file/sub')), `${join(dir, 'paths/file')} is a file, not a folder`);
});

test('flab train: a checkpoint folder that cannot be made is refused at its key before the data is read', () => {
  write('ckpt/blocker', 'x');
  const e = {
    model: { hidden: [4] },
    data: { format: 'csv', trainFile: 'no-such-data.csv' },
    training: { learningRate: 0.5, steps: 6, record: { every: 2 }, checkpoints: { every: 2, path: 'blocker/run' } },
  };
  const file = write('ckpt/e.flab.json', e);
  const text = readFileSync(file, 'utf8');
  const r = flab(['train', file]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${file}:${position(text, '"blocker/run"')}: error: cannot write checkpoints into ${join(dir, 'ckpt/blocker/run')}: ${join(dir, 'ckpt/blocker')} is a file, not a folder\n`);
  // A network sweep checks the same folder before its first run.
  const sweep = write('ckpt/s.flab.json', { ...e, sweep: { 'init.scale': [1, 2] } });
  const s = flab(['sweep', sweep]);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /error: cannot write checkpoints into .*blocker\/run: .*blocker is a file, not a folder/);
});

test('flab train: a checkpoint folder in a filesystem that refuses new entries (/proc) is an error at its key, not a hang', { skip: !existsSync('/proc/self') }, () => {
  // Node's mkdir(…, { recursive: true }) retried mkdir("/proc/x") = ENOENT forever (a fresh reviewer's case).
  for (const path of ['/proc/flab-no-such-folder', '/proc/flab-no-such-folder/deeper']) {
    const file = write('ckpt/proc.flab.json', { model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1]], y: [0, 1, 1] } }, training: { learningRate: 0.5, steps: 4, record: { every: 2 }, checkpoints: { every: 2, path } } });
    const r = flab(['train', file], { timeout: 20_000 });
    assert.equal(r.code, 1, `exit ${r.code} (null: killed by the timeout) for ${path}; stderr ${r.stderr}`);
    // At the path the file gives, as the check before the run locates it.
    const text = readFileSync(file, 'utf8');
    assert.match(r.stderr, new RegExp(`^${file}:${position(text, `"${path}"`)}: error: cannot write checkpoints into ${path}: it cannot be made: folders cannot be created in /proc \\(no such file or directory, ENOENT\\)\n$`));
  }
});

test('flab train: a checkpoint folder holding another writer\'s checkpoints or metrics.jsonl is refused, and nothing in it is touched', async () => {
  // A tester pointed training.checkpoints.path at a folder of their own: its metrics.jsonl was emptied,
  // and its step-000099.safetensors stayed to be read as part of the run.
  const e = (path: string) => ({ model: { hidden: [4] }, data: { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0]], y: [0, 1, 1, 0] } }, training: { learningRate: 0.5, steps: 4, record: { every: 2 }, checkpoints: { every: 2, path } } });
  const mine = 'mine';
  write(`ckpt/${mine}/metrics.jsonl`, '{"epoch": 1, "loss": 0.5}\n{"epoch": 2, "loss": 0.25}\n');
  write(`ckpt/${mine}/notes.txt`, 'mine');
  const file = write('ckpt/mine.flab.json', e(mine));
  const text = readFileSync(file, 'utf8');
  const before = readFileSync(join(dir, 'ckpt', mine, 'metrics.jsonl'), 'utf8');
  const r = flab(['train', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, `${file}:${position(text, `"${mine}"`)}: error: cannot write checkpoints into ${join(dir, 'ckpt', mine)}: it holds a metrics.jsonl with lines flab did not write (line 1): a new run deletes and empties only what flab wrote, and would mix with them — give training.checkpoints.path a folder of its own, or move them away\n`);
  assert.equal(readFileSync(join(dir, 'ckpt', mine, 'metrics.jsonl'), 'utf8'), before, 'the metrics file is untouched');
  assert.deepEqual(readdirSync(join(dir, 'ckpt', mine)).sort(), ['metrics.jsonl', 'notes.txt'], 'nothing written');

  // Another writer's checkpoint (PyTorch's safetensors carry no writer "flab"), with no metrics file.
  const theirs = 'theirs';
  const torch = join(dir, 'ckpt', theirs);
  mkdirSync(torch, { recursive: true });
  await writeSafetensors(join(torch, 'step-000099.safetensors'), [{ name: 'fc1.weight', dtype: 'F32', shape: [1, 1], data: new Float32Array([1]) }]);
  const other = write('ckpt/theirs.flab.json', e(theirs));
  const t = flab(['train', other]);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /: it holds a checkpoint flab did not write \(step-000099\.safetensors\): a new run/);
  assert.deepEqual(readdirSync(torch), ['step-000099.safetensors']);

  // flab's own earlier run is replaced, as before: its checkpoints and metrics lines.
  const own = write('ckpt/own.flab.json', e('own'));
  assert.equal(flab(['train', own]).code, 0);
  const first = readFileSync(join(dir, 'ckpt', 'own', 'metrics.jsonl'), 'utf8');
  assert.equal(first.trim().split('\n').length, 3, 'steps 0, 2 and 4');
  const again = flab(['train', own]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(dir, 'ckpt', 'own', 'metrics.jsonl'), 'utf8'), first, 'the same run again, not appended');
  // A run killed while appending left half a line: still flab's file.
  writeFileSync(join(dir, 'ckpt', 'own', 'metrics.jsonl'), first + '{"step": 6, "lo');
  assert.equal(flab(['train', own]).code, 0);
});

test('a sweep of nonlinear gradient-descent runs is refused before its first run when its total work passes the limit', async () => {
  const text = `{
  "model": { "width": 1000, "activation": "relu" },
  "data": { "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "y": 1 },
  "init": { "scaleU": 0.05, "scaleW": 0.05, "seed": 2 },
  "learningRates": { "u": 0.05, "W": 0.05 },
  "time": { "end": 1000000, "points": 10 },
  "sweep": { "init.seed": { "from": 1, "to": 100, "count": 100, "scale": "linear" } }
}`;
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `f.flab.json:7:12: error: the sweep's 100 gradient-descent runs (model.activation "relu" runs the plain loop) do 1e12 multiply-adds in all (steps × samples × width × input dimension, summed over the runs; the largest, value 0, 1e10), over the limit of 1e10 for one sweep (docs/limits.md): use fewer values, fewer steps (time.end) or a smaller width\n`);
  // One run at a time of the same file is within the single run's limit: each alone would be accepted.
  // (One value is a list: a range of count 1, which would drop its `to`, is refused since 2026-12-03.)
  const single = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text.replace('{ "from": 1, "to": 100, "count": 100, "scale": "linear" }', '[1]').replace('"end": 1000000', '"end": 10') });
  assert.equal(single.code, 0, single.stderr);
});

test('a network sweep is refused before its first step when its trainings\' work passes the limit', () => {
  const data = { train: { x: [[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2]], y: [0, 1, 1, 0, 1, 0] } };
  const file = write('net/big.flab.json', { model: { hidden: [2048, 2048] }, data, training: { learningRate: 0.1, steps: 100000 }, sweep: { 'init.scale': [1, 2] } });
  const text = readFileSync(file, 'utf8');
  const r = flab(['sweep', file, '--summary']);
  assert.equal(r.code, 1);
  // 100,000 steps × (3 × 6 samples × (2·2048 + 2048² + 2048·2) + 25 × 4e5) = 8.6e12 per value; the most
  // steps that fit, ⌊100,000 × 3e12 / 1.7e13⌋ = 17,514, are named (the two values train as long).
  assert.equal(r.stderr, `${file}:${position(text, '{\n    "init.scale"')}: error: the sweep's 2 trainings do about 1.7e13 multiply-adds in all (steps × batch × 3 products per layer, plus each step's fixed cost; planned with the data as read), over the limit of 3e12 for one sweep (docs/limits.md): use fewer values, fewer steps or epochs (training.steps at most 17,514 for these values), or smaller layers — or train each value with flab train, or in the panel (neither has this limit)\n`);
  const work = (steps: number) => 2 * trainingWork(steps, 6, [2, 2048, 2048, 2]);
  assert.ok(work(17_514) <= MAX_TRAINING_SWEEP_WORK && work(17_515) > MAX_TRAINING_SWEEP_WORK, 'the most steps that fit');
  // Values that train for different lengths (a sweep over the epochs) get no single bound.
  const swept = write('net/big-epochs.flab.json', { model: { hidden: [2048, 2048] }, data, training: { learningRate: 0.1, epochs: 50000 }, sweep: { 'training.epochs': [50000, 60000] } });
  const byEpochs = flab(['sweep', swept, '--summary']);
  assert.equal(byEpochs.code, 1);
  assert.match(byEpochs.stderr, /over the limit of 3e12 for one sweep \(docs\/limits\.md\): use fewer values, fewer steps or epochs, or smaller layers — or train each value/);
  // Nor do values over a data key that train as long: each value's own data may make other steps (a bound
  // named from the first value's data, written back, trained a value before the refusal).
  const overData = write('net/big-data.flab.json', { model: { hidden: [2048, 2048] }, data: { dataset: 'mnist', train: 100, test: 0 }, training: { learningRate: 0.1, steps: 100000 }, sweep: { 'data.train': [100, 200] } });
  const byData = flab(['sweep', overData, '--summary']);
  assert.equal(byData.code, 1);
  assert.match(byData.stderr, /over the limit of 3e12 for one sweep \(docs\/limits\.md\): use fewer values, fewer steps or epochs, or smaller layers — or train each value/);
  assert.doesNotMatch(byData.stderr, /at most/);
});

test('a network sweep re-validating a large file per value is bounded before any value trains', () => {
  // 5,000 samples of 12 inputs written inline: about 70,000 JSON tokens, checked again twice per value.
  const x = Array.from({ length: 5000 }, (_, i) => Array.from({ length: 12 }, (_, j) => ((i * 7 + j) % 11) / 10));
  const y = x.map((_, i) => i % 2);
  const file = write('net/inline-sweep.flab.json', { model: { hidden: [8] }, data: { train: { x, y } }, training: { steps: 1, batchSize: 100 }, sweep: { 'init.scale': { from: 0.5, to: 2, count: 100 } } });
  const tokens = countJsonTokens(readFileSync(file, 'utf8'));
  const r = flab(['sweep', file, '--summary']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`error: the sweep checks the file again for each of its 100 values \\(2 times: to plan its steps, then to run\\): ${tokens.toLocaleString('en-US')} JSON tokens each, .* over the limit of .* for one analysis \\(docs/limits\\.md\\): use fewer values, or fewer samples in the file`));
  // Fewer values fit, and train.
  const few = write('net/inline-sweep-few.flab.json', { model: { hidden: [8] }, data: { train: { x, y } }, training: { steps: 1, batchSize: 100 }, sweep: { 'init.scale': [0.5, 2] } });
  assert.equal(flab(['sweep', few, '--summary']).code, 0);
});

test('re-validating a large file per value is bounded: sweep, scaling and a slow phase axis', async () => {
  // 60,000 samples of dimension 3: almost a million tokens, checked again per value.
  const samples = Array.from({ length: 60_000 }, (_, i) => `{"x":[${i % 7 + 1},${i % 7 + 1},${i % 7 + 1}],"y":${i % 5}}`).join(',');
  const big = BASE.replace('"x": [1], "y": 1', `"samples": [${samples}]`);
  const tokens = countJsonTokens(big);
  assert.ok(tokens > 0.95e6 && tokens < 1e6, String(tokens));
  const sweep = withSweep('{ "learningRates.u": { "from": 0.1, "to": 1, "count": 11 } }', big);
  const r = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': sweep });
  assert.equal(r.code, 1);
  const each = tokens.toLocaleString('en-US');
  assert.equal(r.stderr, `f.flab.json:7:12: error: the sweep checks the file again for each of its 11 values: ${countJsonTokens(sweep).toLocaleString('en-US')} JSON tokens each, 1.1e7 in all, over the limit of 1e7 for one analysis (docs/limits.md): use fewer values, or fewer samples in the file\n`);
  const scan = await run(['scaling', 'f.flab.json', '--widths', '1:8', '--seeds', '2'], { 'f.flab.json': big });
  assert.equal(scan.code, 2);
  assert.ok(scan.stderr.startsWith(`flab: --widths, --seeds: the scan checks the file again for each width and each seed (12 times): ${each} JSON tokens each, 1.2e7 in all, over the limit of 1e7 for one analysis (docs/limits.md): use fewer widths or seeds, or fewer samples in the file\n`), scan.stderr);
  const phase = await run(['phase', 'f.flab.json', '--x', 'model.width=1:16', '--y', 'init.scaleU=0.1:1', '--size', '16'], { 'f.flab.json': big });
  assert.equal(phase.code, 2);
  assert.ok(phase.stderr.startsWith(`flab: --x, --y: an axis over model.width checks the file again for each of its 16 values: ${each} JSON tokens each, 1.5e7 in all, over the limit of 1e7 for one analysis (docs/limits.md): use a smaller --size (at most 10 × 10 with these axes), fewer samples in the file, or axes over γ, σ_u, σ_W, η_u, η_W\n`), phase.stderr);
});

test('the largest accepted file (4·10⁶ tokens of inline samples) runs within 1 GiB of heap; one token more is refused before parsing', () => {
  // 99,000 samples of dimension 15: 40 tokens each with its comma, just under the limit.
  const sample = (i: number) => `{"x":[${Array(15).fill(1 + (i % 7)).join(',')}],"y":${1 + (i % 5)}}`;
  const head = '{"model":{"width":4},"data":{"samples":[';
  const tail = ']},"init":{"scaleU":0.1,"scaleW":0.1,"seed":1},"learningRates":{"u":0.1,"W":0.1},"time":{"points":10}}';
  const text = head + Array.from({ length: 99_000 }, (_, i) => sample(i)).join(',') + tail;
  const tokens = countJsonTokens(text);
  assert.ok(tokens <= MAX_JSON_TOKENS && tokens > 0.98 * MAX_JSON_TOKENS, String(tokens));
  const file = write('largest.flab.json', text);
  const r = flab(['solve', file, '--summary'], { heapMiB: 1024, timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).label, 'alignment');
  // Past the limit by a sample's worth: refused at the token past it, with the heap untouched.
  const over = head + Array.from({ length: 100_000 }, (_, i) => sample(i)).join(',') + tail;
  const big = write('over.flab.json', over);
  const q = flab(['solve', big, '--summary'], { heapMiB: 256 });
  assert.equal(q.code, 1);
  assert.match(q.stderr, /^.*over\.flab\.json:1:\d+: error: more than 4,000,000 JSON tokens/);
  assert.doesNotMatch(q.stderr, STACK);
});

test('the counter: nothing for 2 s, then one updating line, erased at the end; nothing when standard error is not a terminal', () => {
  let t = 0;
  const written: string[] = [];
  const tty = { isTTY: true, columns: 100, write: (s: string) => written.push(s) };
  const p = progressCounter('sweep', tty, () => t);
  p.update(0, 20, 'runs');
  t = PROGRESS_DELAY_MS - 1;
  p.update(1, 20, 'runs');
  assert.deepEqual(written, [], 'nothing in the first 2 s');
  t = PROGRESS_DELAY_MS;
  p.update(2, 20, 'runs');
  t += 50;
  p.update(3, 20, 'runs');
  assert.deepEqual(written, ['\rflab sweep: 2/20 runs · 2 s\x1b[K'], 'at most one redraw per 200 ms');
  t += 200;
  p.update(4, 20, 'runs');
  p.end();
  assert.deepEqual(written.slice(1), ['\rflab sweep: 4/20 runs · 2 s\x1b[K', '\r\x1b[K']);
  const pipe: string[] = [];
  const q = progressCounter('sweep', { isTTY: false, write: (s: string) => pipe.push(s) }, () => (t += 10_000));
  q.update(1, 2, 'runs');
  q.end();
  assert.deepEqual(pipe, []);
});

test('the counter\'s seconds go on between updates (a first step of a minute showed nothing for 54 s), and stop at the end', async () => {
  let t = 0;
  const written: string[] = [];
  const tty = { isTTY: true, columns: 100, write: (s: string) => written.push(s) };
  const p = progressCounter('train', tty, () => t, 5);
  p.update(0, 2, 'steps');
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await wait(30);
  assert.deepEqual(written, [], 'nothing in the first 2 s');
  t = PROGRESS_DELAY_MS + 1000;
  await wait(60);
  assert.deepEqual(written, ['\rflab train: 0/2 steps · 3 s\x1b[K'], 'drawn by the timer, with no update');
  t += 41_000;
  await wait(60);
  assert.equal(written.at(-1), '\rflab train: 0/2 steps · 44 s\x1b[K');
  p.end();
  const ended = written.length;
  t += 10_000;
  await wait(60);
  assert.equal(written.length, ended, 'nothing after the end');
  assert.equal(written.at(-1), '\r\x1b[K');
});

test('a sweep draws its counter on a terminal and prints the same output as without one', async () => {
  const text = withSweep('{ "init.scaleU": [0.1, 0.2, 0.3] }');
  let t = 0;
  const written: string[] = [];
  const withCounter = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text }, { sink: { isTTY: true, write: (s) => written.push(s) }, now: () => (t += 1000) });
  const without = await run(['sweep', 'f.flab.json', '--summary'], { 'f.flab.json': text });
  assert.equal(withCounter.code, 0);
  assert.deepEqual(withCounter, without);
  assert.ok(written.some((s) => /flab sweep: \d\/3 runs/.test(s)), written.join('|'));
  assert.equal(written[written.length - 1], '\r\x1b[K', 'erased at the end');
});

test('a width scan\'s run refused at a width or seed the flags chose says which, at the key it blames', async () => {
  const tiny = BASE.replace('"scaleU": 0.1, "scaleW": 0.1', '"scaleU": 1e-200, "scaleW": 1e-200');
  const r = await run(['scaling', 'f.flab.json', '--widths', '1:4', '--seeds', '2'], { 'f.flab.json': tiny });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.startsWith(`f.flab.json:${position(tiny, '1e-200')}: error: scan run at width 1, seed 1: init.scaleU = 1e-200: kernelChange`), r.stderr);
});

test('a long string the token budget does not see is counted by its characters: phase, sweep and scan are refused before the first variant', () => {
  // A 60 MB name (50 tokens) over a 128 × 2 phase grid exhausted a 4 GB heap; a 1,000-value sweep would have taken ten minutes.
  const base = { name: 'x'.repeat(3_000_000), model: { width: 4 }, data: { x: [1], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { points: 10 } };
  const long = write('long-name.flab.json', base);
  const phase = flab(['phase', long, '--x', 'model.width=2:64', '--y', 'learningRates.u=0.01:1', '--size', '128x2', '--json']);
  assert.equal(phase.code, 2, phase.stderr);
  assert.match(phase.stderr, /^flab: --x, --y: an axis over model\.width writes the file out and reads it again for each of its 128 values: 3,000,\d{3} characters each, 384,0\d\d,\d{3} in all, over the limit of 268,435,456 for one analysis \(docs\/limits\.md\): use a smaller --size \(at most 89 × 89 with these axes\), or axes over γ, σ_u, σ_W, η_u, η_W, data\.y, or keep long text \(a long name or description\) out of the file\n/);
  const sweep = flab(['sweep', write('long-sweep.flab.json', { ...base, sweep: { 'model.width': { from: 2, to: 200, count: 100, scale: 'linear' } } }), '--summary']);
  assert.equal(sweep.code, 1, sweep.stderr);
  assert.match(sweep.stderr, /error: the sweep writes the file out and reads it again for each of its 100 values: 3,000,\d{3} characters each/);
  const scan = flab(['scaling', long, '--widths', '100:100000:100', '--seeds', '1']);
  assert.equal(scan.code, 2, scan.stderr);
  assert.match(scan.stderr, /^flab: --widths, --seeds: the scan writes the file out and reads it again for each of its \d+ values: 3,000,\d{3} characters each/);
  // Within the budget: a few values run.
  const few = flab(['phase', long, '--x', 'model.width=2:8', '--y', 'learningRates.u=0.01:1', '--size', '4x2', '--json']);
  assert.equal(few.code, 0, few.stderr);
});
