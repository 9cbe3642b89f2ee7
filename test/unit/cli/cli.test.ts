import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

// The CLI is tested as users run it: the built bundle, spawned as a real process.
const CLI = resolve(__dirname, '../../../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-cli-'));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function flab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const experiment = (extra = '') => `{
  "model": { "width": 8, "outputScale": 1${extra} },
  "data": { "x": [1, 0, 0], "y": 1 },
  "init": { "scaleU": 0.01, "scaleW": 0.01, "seed": 1 },
  "learningRates": { "u": 0.5, "W": 0.5 },
  "time": { "end": 40, "points": 41 }
}
`;

const COLUMNS = ['t', 'output', 'loss', 'zeta', 'normU', 'normW', 'ntk', 'distance'];

test('solve prints one JSON object of equal-length arrays and a summary', () => {
  const r = flab('solve', write('ok.flab.json', experiment()));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  for (const c of COLUMNS) assert.equal(out[c].length, 41, c);
  assert.equal(out.t[40], 40);
  for (const key of ['zetaFinal', 'lossFinal', 'omega', 'plateauTime']) assert.ok(key in out.summary, key);
  assert.ok(Math.abs(out.summary.zetaFinal) > 0.99, 'small initialisation aligns the layers');
});

test('--csv prints the same columns, and the same numbers, as --json', () => {
  const file = write('csv.flab.json', experiment());
  const json = JSON.parse(flab('solve', file, '--json').stdout);
  const csv = flab('solve', file, '--csv');
  assert.equal(csv.code, 0);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], COLUMNS.join(','));
  assert.equal(lines.length, 42);
  const row = lines[17].split(',').map(Number);
  COLUMNS.forEach((c, i) => assert.equal(row[i], json[c][16], c));
});

test('simulate counts steps and reports every requested step', () => {
  const r = flab('simulate', write('sim.flab.json', experiment()), '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.t, Array.from({ length: 41 }, (_, k) => k));
  assert.equal(out.summary.solver, 'simulate');
  assert.equal(out.summary.diverged, null);
});

test('a bad file exits 1 with compiler-style located errors and no stack trace', () => {
  const file = write('bad.flab.json', experiment().replace('"u": 0.5', '"u": -1'));
  const r = flab('solve', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${file}:5:27: error: learningRates.u must be > 0, got -1\n`);
  const typo = flab('solve', write('typo.flab.json', experiment().replace('"outputScale"', '"outputScael"')));
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /typo\.flab\.json:2:26: error: unknown key `outputScael` in model — did you mean `outputScale`\?\n$/);
  const syntax = flab('solve', write('syntax.flab.json', '{ "model": { "width": 1 '));
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /syntax\.flab\.json:1:\d+: error: invalid JSON: /);
  assert.doesNotMatch(syntax.stderr + typo.stderr, /at .*\.js:\d+/);
});

test('solve refuses a nonlinear activation at its location; simulate runs it', () => {
  const file = write('relu.flab.json', experiment(', "activation": "relu"'));
  const r = flab('solve', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /relu\.flab\.json:2:58: error: the exact solver needs model\.activation "linear", got "relu"/);
  const sim = flab('simulate', file, '--summary');
  assert.equal(sim.code, 0, sim.stderr);
  assert.equal(JSON.parse(sim.stdout).solver, 'simulate');
});

test('divergence is reported in the summary, never printed as NaN', () => {
  const file = write('diverge.flab.json', experiment().replace('"u": 0.5, "W": 0.5', '"u": 50, "W": 50').replace('"scaleU": 0.01, "scaleW": 0.01', '"scaleU": 1, "scaleW": 1'));
  const r = flab('simulate', file, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /NaN|Infinity/);
  const out = JSON.parse(r.stdout);
  assert.ok(out.summary.diverged && out.summary.diverged.step > 0);
  assert.ok(out.t.length < 41);
  assert.ok(out.loss.every((x: number) => Number.isFinite(x)));
});

test('dist/cli.js leaves the network code to dist/cliNetwork.js, which it loads only to train or read checkpoints', () => {
  // The linear model's commands parse a fifth of the code (docs/architecture.md, "Commands").
  const text = readFileSync(CLI, 'utf8');
  assert.ok(text.length < 1_000_000, `dist/cli.js is ${text.length} bytes`);
  for (const name of ['tfjs-core', 'tfjs-backend-wasm', 'tinyglobby', 'protobufjs', 'onnxruntime-node']) assert.ok(!text.includes(name), `dist/cli.js has ${name}`);
  assert.ok(existsSync(join(CLI, '..', 'cliNetwork.js')), 'no dist/cliNetwork.js');
  // The help of a network command is dist/cli.js's own; its work the second bundle's (an error located in the file).
  assert.match(flab('train', '--help').stdout, /^usage: flab train FILE/);
  const r = flab('train', write('linear-for-train.flab.json', experiment()));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /linear-for-train\.flab\.json:\d+:\d+: error: .*flab train/);
  // dist/cli.js copied alone: the network commands say what is missing (it was "internal error … a bug in flab"); the others run.
  const alone = mkdtempSync(join(tmpdir(), 'flab-alone-'));
  writeFileSync(join(alone, 'cli.js'), text);
  const network = write('net-alone.flab.json', JSON.stringify({ model: { hidden: [3] }, data: { train: { x: [[1], [2]], y: [[1], [2]] } }, training: { steps: 2, learningRate: 0.1 } }));
  const lone = spawnSync(process.execPath, [join(alone, 'cli.js'), 'train', network], { encoding: 'utf8' });
  assert.equal(lone.status, 1);
  assert.equal(lone.stderr, `flab train: error: this command needs ${join(alone, 'cliNetwork.js')}, the network half of flab, beside the command line's own file: it is not there (copy or install dist/ whole)\n`);
  assert.equal(spawnSync(process.execPath, [join(alone, 'cli.js'), 'solve', write('linear-alone.flab.json', experiment()), '--summary'], { encoding: 'utf8' }).status, 0);
});

test('bad usage exits 2 and says how to use flab; a missing file exits 1', () => {
  for (const args of [[], ['frobnicate', 'x'], ['solve'], ['solve', 'a', 'b'], ['solve', 'a', '--xml'], ['solve', 'a', '--json', '--csv']]) {
    const r = flab(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^flab: .*\nusage: flab/);
  }
  const help = flab('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: flab/);
  const missing = flab('solve', join(dir, 'nope.flab.json'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.flab\.json: error: cannot read the experiment file: no such file/);
});

test('the summary option prints only the summary', () => {
  const r = flab('solve', write('summary.flab.json', experiment()), '--summary');
  assert.equal(r.code, 0);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.solver, 'exact');
  assert.equal(summary.width, 8);
});

test('a write of the output that fails (a full disk) exits 1 and says so; a reader that went away (| head) is not an error', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, () => {
  const example = resolve(__dirname, '../../../../examples/alignment.flab.json');
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, 'solve', example, '--json'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, 'before, the write callback exited 0 before the error was heard');
    assert.match(r.stderr, /^flab: cannot write the output: ENOSPC/);
  } finally {
    closeSync(full);
  }
  const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" solve "${example}" --json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(piped.stdout.trim(), '0');
});

test('messages echo a file\'s paths and keys with their control characters as escapes: nothing acts on the terminal', () => {
  // A data path of ESC[2J ESC[31m cleared the screen and turned it red; an unknown key did the same.
  const path = flab('train', write('esc-path.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { format: 'csv', trainFile: '\u001b[2J\u001b[31mPWNED.csv' } })));
  assert.equal(path.code, 1);
  assert.match(path.stderr, /error: \\u001b\[2J\\u001b\[31mPWNED\.csv: file not found/);
  const key = flab('train', write('esc-key.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { dataset: 'mnist', train: 10 }, '\u001b[31mred\u202e': 1 })));
  assert.match(key.stderr, /unknown key `\\u001b\[31mred\\u202e`/);
  // A line feed in a data path cannot start a line of its own that looks like flab's.
  const lf = flab('train', write('lf-path.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { format: 'csv', trainFile: 'a\nforged.flab.json:1:1: error: x.csv' } })));
  assert.equal(lf.stderr.trimEnd().split('\n').length, 1, lf.stderr);
  assert.match(lf.stderr, /error: a\\nforged\.flab\.json:1:1: error: x\.csv: file not found/);
  // An unknown key holding one likewise.
  const key2 = flab('train', write('lf-key.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { dataset: 'mnist', train: 10 }, 'a\nforged.flab.json:1:1: error: x': 1 })));
  assert.equal(key2.stderr.trimEnd().split('\n').length, 1, key2.stderr);
  assert.match(key2.stderr, /unknown key `a\\nforged\.flab\.json:1:1: error: x`/);
  // A NUL in a file name: said in our words, not Node's ("…without null bytes. Received …").
  const nul = flab('train', write('nul-path.flab.json', JSON.stringify({ model: { hidden: [4] }, data: { format: 'csv', trainFile: 'good\u0000.csv' } })));
  assert.match(nul.stderr, /error: good\\u0000\.csv: a file name cannot hold a NUL character \(\\u0000\)\n$/);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  for (const r of [path, key, nul]) assert.doesNotMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(r.stderr));
});
