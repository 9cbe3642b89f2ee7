/**
 * The examples of issue 8, kinds 5 and 6, through `flab` (docs/limits.md, "Sizes and limits"):
 * each refused with a located message and exit 1 or 2 — never a stack trace, a hang, or an internal
 * error called bad usage — and the flags checked before the file is read. The reader's cases run
 * the built CLI as a process (a device or a FIFO would hang it); the rest run in-process.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { MAX_FIGURE_SIDE } from '../../../src/core/analysis/phase/phaseSvg';
import { formatCount } from '../../../src/core/experiment/diagnostic';
import { MAX_PARAMETERS } from '../../../src/core/experiment/limits';
import { FileReader } from '../../../src/cli/experimentFile';
import { MAX_ANALYSIS_DRAWS, MAX_FILE_BYTES, MAX_SCAN_WIDTHS } from '../../../src/cli/limits';
import { runCli } from '../../../src/cli/run';
import { MAX_PHASE_SIZE } from '../../../src/protocol/phase';
import { solveCommand } from '../../../src/cli/commands/solve';

const REPO = resolve(__dirname, '../../../..');
const CLI = join(REPO, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'flab-limits-'));
const PHASE_EXAMPLE = readFileSync(join(REPO, 'examples/phase-output-scale-rate.flab.json'), 'utf8');
const ALIGNMENT = readFileSync(join(REPO, 'examples/alignment.flab.json'), 'utf8');

function flab(args: string[], input?: string | number): { code: number | null; stdout: string; stderr: string } {
  const stdin = typeof input === 'number' ? input : 'pipe';
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, stdio: [stdin, 'pipe', 'pipe'], ...(typeof input === 'string' ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** runCli on in-memory files. */
function run(args: string[], files: Record<string, string> = {}) {
  const reader: FileReader = {
    readText: (f) => {
      if (!(f in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return files[f];
    },
  };
  return runCli(args, reader);
}

const STACK = /^\s+at .+[:(]\d+:\d+\)?$/m;

test('nesting 100,000 levels deep: a located refusal, not a stack trace', async () => {
  const file = write('deep.flab.json', `{"model": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  const r = flab(['solve', file]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${file}:1:74: error: nesting deeper than 64 levels of arrays and objects: an experiment needs 5 at most\n`);
  assert.doesNotMatch(r.stderr, STACK);
});

test('a file with a UTF-8 byte-order mark runs as without it, and its errors keep the editor\'s columns', async () => {
  const plain = await run(['solve', 'a.flab.json', '--summary'], { 'a.flab.json': ALIGNMENT });
  const marked = await run(['solve', 'a.flab.json', '--summary'], { 'a.flab.json': '\uFEFF' + ALIGNMENT });
  assert.equal(marked.code, 0, marked.stderr);
  assert.equal(marked.stdout, plain.stdout);
  const bad = '{ "model": { "width": -1 } }';
  const plainBad = await run(['solve', 'b'], { b: bad });
  const markedBad = await run(['solve', 'b'], { b: '\uFEFF' + bad });
  assert.match(plainBad.stderr, /^b:1:23: error: model\.width must be ≥ 1, got -1$/m);
  assert.equal(markedBad.stderr, plainBad.stderr);
  // The real reader too (bytes EF BB BF).
  const file = join(dir, 'bom.flab.json');
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ALIGNMENT)]));
  const r = flab(['solve', file, '--summary']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).label, 'alignment');
});

test('__proto__, constructor, toString and hasOwnProperty are unknown keys, each located', async () => {
  const text = ALIGNMENT.replace('"model": {', '"model": { "__proto__": 1, "constructor": 2, "toString": 3, "hasOwnProperty": 4,');
  const r = await run(['solve', 'p'], { p: text });
  assert.equal(r.code, 1);
  const line = text.split('\n').findIndex((l) => l.includes('__proto__')) + 1;
  assert.equal(r.stderr, ['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((k) => `p:${line}:${text.split('\n')[line - 1].indexOf(`"${k}"`) + 1}: error: unknown key \`${k}\` in model`).join('\n') + '\n');
});

test('a 1 MB unknown key makes one short line', async () => {
  const text = ALIGNMENT.replace('"model": {', `"model": { "${'k'.repeat(1 << 20)}": 1,`);
  const r = await run(['solve', 'k'], { k: text });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.length < 200, `${r.stderr.length} characters`);
  assert.match(r.stderr, /^k:\d+:\d+: error: unknown key `k{48}… \(1048576 characters\)` in model\n$/);
});

test('a width written 1e309 is echoed as written', async () => {
  const r = await run(['solve', 'w'], { w: ALIGNMENT.replace(/"width": \d+/, '"width": 1e309') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^w:\d+:\d+: error: model\.width must be an integer, got 1e309 \(beyond the range of 64-bit numbers\)\n$/);
});

test('flab sweep on a file without "sweep" is located at the experiment', async () => {
  const text = `// no sweep here\n${ALIGNMENT}`;
  const r = await run(['sweep', 's'], { s: text });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 's:2:1: error: the experiment has no "sweep" (for example "sweep": { "outputScale": { "from": 0.01, "to": 100, "count": 5 } })\n');
});

test('devices, FIFOs, folders and files over the size limit are refused before reading', async () => {
  const reason = (r: { stderr: string }) => r.stderr.replace(/^.*cannot read the experiment file: /, '').trim();
  const zero = flab(['solve', '/dev/zero']);
  assert.equal(zero.code, 1);
  assert.equal(reason(zero), 'it is a character device, not a regular file (to read a stream, pass - and pipe it to standard input)');
  const fifo = join(dir, 'fifo.flab.json');
  execFileSync('mkfifo', [fifo]);
  const f = flab(['solve', fifo]);
  assert.equal(f.code, 1, 'a FIFO with no writer does not block the reader');
  assert.match(reason(f), /^it is a named pipe, not a regular file/);
  assert.match(reason(flab(['solve', dir])), /^it is a directory, not a regular file/);
  const big = join(dir, 'big.flab.json');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, MAX_FILE_BYTES + 1);
  closeSync(fd);
  assert.equal(reason(flab(['solve', big])), 'it has 64 MiB (67,108,865 bytes), over the limit of 64 MiB (67,108,864 bytes) for an experiment file (docs/limits.md)');
  const stdin = flab(['solve', '-'], openSync('/dev/zero', 'r'));
  assert.equal(stdin.code, 1);
  assert.equal(stdin.stderr, '-: error: cannot read the experiment file: standard input has more than 64 MiB, the limit for an experiment file (docs/limits.md)\n');
  const piped = flab(['solve', '-', '--summary'], ALIGNMENT);
  assert.equal(piped.code, 0, piped.stderr);
});

test('phase --size is limited by what it prints, before the file is read', async () => {
  const axes = ['--x', 'outputScale=1e-3:1e3', '--y', 'learningRates.W=1e-3:1e3'];
  // A file that does not exist: the flags are refused first (exit 2, not 1).
  const json = await run(['phase', 'missing', ...axes, '--size', '2000']);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /^flab: --size 2000: a 2000 × 2000 grid in JSON could print up to 1\.1 GiB, over the output limit of 256 MiB \(docs\/limits\.md\): use at most 975 × 975, or --svg OUT\n/);
  assert.match((await run(['phase', 'missing', ...axes, '--size', '2000', '--csv'])).stderr, /grid in CSV could print up to .* use at most \d+ × \d+/);
  assert.match((await run(['phase', 'missing', ...axes, '--size', '2001'])).stderr, /^flab: --size 2001: 4,004,001 cells, over the limit of 4,000,000 for one diagram/);
  // Each refusal advises the largest square that every check of the format accepts: the cell limit
  // advised 2000 × 2000, which the output limit then refused.
  assert.match((await run(['phase', 'missing', ...axes, '--size', '100000x100000'])).stderr, /^flab: --size 100000x100000: 10,000,000,000 cells, over the limit of 4,000,000 for one diagram \(docs\/limits\.md\): use at most 975 × 975\nusage: /);
  assert.match((await run(['phase', 'missing', ...axes, '--size', '100000x100000', '--csv'])).stderr, /: use at most 895 × 895\nusage: /);
  assert.match((await run(['phase', 'missing', ...axes, '--size', '4000001x1', '--svg', join(dir, 'x.svg')])).stderr, /; use at most 1,024 × 1,024, or --json or --csv for the numbers\nusage: /);
  assert.match((await run(['phase', 'missing', ...axes, '--size', '1x4000001'])).stderr, /over the limit of 4,000,000 for one diagram \(docs\/limits\.md\): use at most 975 × 975\nusage: /);
  // A figure shows at most 1024 cells a side (its plot is 440 × 420 pixels): 2000 × 2000 or 4000000 × 1
  // cells of the flow took 84–95 s to draw what 1024 × 1024 draws in about 15 (issue 8, F6).
  for (const [size, grid] of [['2000', '2000 × 2000'], ['4000000x1', '4000000 × 1'], ['1x1025', '1 × 1025'], ['2001', '2001 × 2001']]) {
    const svg = await run(['phase', 'missing', ...axes, '--size', size, '--svg', 'out.svg']);
    assert.equal(svg.code, 2, size);
    assert.ok(svg.stderr.startsWith(`flab: --size ${size}: a ${grid} grid for --svg, over the limit of 1,024 cells a side for a figure (docs/limits.md): its plot is 440 × 420 pixels, so more cells would not be seen, only computed; use at most 1,024 × 1,024, or --json or --csv for the numbers\nusage: flab phase`), svg.stderr);
  }
  for (const size of ['1024', '1024x1', '1x1024']) assert.equal((await run(['phase', 'missing', ...axes, '--size', size, '--svg', 'out.svg'])).code, 1, size);
  // The phase panel's grid (the setting's largest side, which its figures are exported at) is within it.
  const setting = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).contributes.configuration.properties['featureLearningLab.phaseGridSize'];
  assert.ok(setting.maximum <= MAX_FIGURE_SIDE && MAX_PHASE_SIZE <= MAX_FIGURE_SIDE, `${setting.maximum}, ${MAX_PHASE_SIZE}`);
  for (const size of ['0', '0x5', '99999999999999999999', '-3', '1e3', '8x']) {
    const r = await run(['phase', 'missing', ...axes, '--size', size]);
    assert.equal(r.code, 2, size);
    assert.match(r.stderr, /^flab: --size/, size);
  }
  // Within the limit the file is read (and here it is missing: exit 1).
  assert.equal((await run(['phase', 'missing', ...axes, '--size', '975'])).code, 1);
});

test('phase axes are checked before the file; a grid that would redraw too much is refused before computing', async () => {
  const cases: [string, string, RegExp][] = [
    ['frob=1:2', 'seed=0:1', /^flab: --x: unknown hyperparameter `frob`/],
    // An unknown key is suggested among the axes and the arrays' entries, and the axes are listed, not
    // the sweep's keys an axis refuses (time.*, weightDecay): `x` meant data.x[0], not data.y.
    ['x=1:2', 'seed=0:1', /^flab: --x: unknown hyperparameter `x` — did you mean `data\.x\[0\]`\?; axes are `model\.width`, `model\.outputScale`, `data\.y`, `init\.scaleU`, `init\.scaleW`, `init\.seed`, `learningRates\.u`, `learningRates\.W` \(or a path into an array, like `data\.x\[0\]`\)\n/],
    ['outputscale=1:2', 'seed=0:1', /^flab: --x: unknown hyperparameter `outputscale` — did you mean `model\.outputScale`\?; axes are (?![^\n]*time\.)(?![^\n]*weightDecay)/],
    ['data.x=1:2', 'seed=0:1', /^flab: --x: `data\.x` is not a numeric hyperparameter; axes are `model\.width`, (?![^\n]*time\.)(?![^\n]*weightDecay)/],
    ['outputScale=0:1', 'seed=0:1', /^flab: --x: a log axis needs both ends > 0, got 0 and 1/],
    ['outputScale=1:Infinity', 'seed=0:1', /^flab: --x: FROM and TO must be finite numbers/],
    ['outputScale=1:1e400', 'seed=0:1', /^flab: --x: FROM and TO must be finite numbers/],
    ['outputScale=0x10:1', 'seed=0:1', /^flab: --x: FROM and TO must be finite numbers/],
    ['width=0.2:10', 'seed=1:2', /^flab: --x: model\.width must be ≥ 1, got 0/],
    ['outputScale=1:2', 'outputScale=3:4', /^flab: --x and --y both name model\.outputScale/],
    ['outputScale', 'seed=1:2', /^flab: --x: expected KEY=FROM:TO, got `outputScale`/],
    // A network experiment's key: not "unknown", but the linear model's keys that play its part (axes
    // only), what flab phase takes and what to do for a network.
    ['training.learningRate=0.01:0.1', 'seed=1:2', /^flab: --x: `training\.learningRate` is a key of network experiments; the two-layer linear model's learning rates are `learningRates\.u` \(of u, the output weights\) and `learningRates\.W` \(of W, the hidden layer\), and flab phase draws its phase diagram \(docs\/phase-diagram\.md\) — did you mean `learningRates\.u` or `learningRates\.W`\?; for a network, sweep the key \(`flab sweep`\)\n/],
    ['outputScale=0.1:10', 'learningRate=0.01:0.1', /^flab: --y: `training\.learningRate` is a key of network experiments; the two-layer linear model's learning rates are .* — did you mean `learningRates\.u` or `learningRates\.W`\?/],
    ['init.scale=0.01:0.1', 'seed=1:2', /^flab: --x: `init\.scale` is a key of network experiments; .* — did you mean `init\.scaleU` or `init\.scaleW`\?; for a network/],
    ['model.hidden[0]=1:100', 'seed=1:2', /^flab: --x: `model\.hidden\[0\]` is a key of network experiments; .* — did you mean `model\.width`\?; for a network/],
    // Its counterpart is no axis (weight decay, the run's length): said, with the axes there are.
    ['training.weightDecay=0.01:0.1', 'seed=1:2', /^flab: --x: `training\.weightDecay` is a key of network experiments; the two-layer linear model's weight decay is `weightDecay`, and flab phase draws its phase diagram \(docs\/phase-diagram\.md\), where it cannot be an axis: axes are `model\.width`, .*; for a network, sweep the key \(`flab sweep`\)\n/],
    ['training.momentum=0.1:0.5', 'seed=1:2', /^flab: --x: `training\.momentum` is a key of network experiments, which the two-layer linear model has no counterpart of, and flab phase draws its phase diagram \(docs\/phase-diagram\.md\): axes are `model\.width`, .*; for a network, sweep the key \(`flab sweep`\)\n/],
  ];
  for (const [x, y, message] of cases) {
    const r = await run(['phase', 'missing', '--x', x, '--y', y]);
    assert.equal(r.code, 2, x);
    assert.match(r.stderr, message, x);
  }
  // The reverse, a network file with the linear model's keys: the file is refused as what flab phase does not take.
  const network = await run(['phase', 'n', '--x', 'learningRates.u=0.01:0.1', '--y', 'init.scaleU=0.1:1'], { n: readFileSync(join(REPO, 'examples/networks/two-layer-init-scale.flab.json'), 'utf8') });
  assert.equal(network.code, 1);
  assert.match(network.stderr, /^n:5:14: error: this is a network experiment \(its `model` has `hidden`\): `flab phase` takes the two-layer linear model; `flab train` trains it \(and `flab sweep` its sweep\)\n/);
  // …and with axes the linear model refuses (the width's lower end, a key of neither kind, the same key
  // twice, a size beyond the limit): still the file's kind, not the axis ("model.width must be ≥ 1, got 0").
  for (const axes of [['--x', 'model.width=0.1:10', '--y', 'training.learningRate=0.01:1'], ['--x', 'nonsense=1:2', '--y', 'seed=1:2'], ['--x', 'width=1:2', '--y', 'width=1:2'], ['--x', 'width=1:2', '--y', 'seed=1:2', '--size', '5000']]) {
    const r = await run(['phase', 'n', ...axes], { n: readFileSync(join(REPO, 'examples/networks/two-layer-init-scale.flab.json'), 'utf8') });
    assert.equal(r.code, 1, axes.join(' '));
    assert.match(r.stderr, /^n:5:14: error: this is a network experiment \(its `model` has `hidden`\): `flab phase` takes the two-layer linear model/, axes.join(' '));
  }
  // flab scaling alike: a network's file is named as such before refused widths or seeds.
  for (const flags of [['--widths', '0:5'], ['--seeds', '0']]) {
    const r = await run(['scaling', 'n', ...flags], { n: readFileSync(join(REPO, 'examples/networks/two-layer-init-scale.flab.json'), 'utf8') });
    assert.equal(r.code, 1, flags.join(' '));
    assert.match(r.stderr, /^n:5:14: error: this is a network experiment \(its `model` has `hidden`\): `flab scaling` takes the two-layer linear model/, flags.join(' '));
  }
  // A linear file, or none, keeps the axis's own error.
  const widthOnLinear = await run(['phase', 'p', '--x', 'model.width=0.1:10', '--y', 'seed=1:2'], { p: PHASE_EXAMPLE });
  assert.equal(widthOnLinear.code, 2);
  assert.match(widthOnLinear.stderr, /^flab: --x: model\.width must be ≥ 1/);
  const files = { p: PHASE_EXAMPLE };
  const redraws = await run(['phase', 'p', '--x', 'width=1:10000000', '--y', 'seed=0:1000', '--linear'], files);
  assert.equal(redraws.code, 2);
  assert.match(redraws.stderr, new RegExp(`^flab: --x, --y: an axis over model\\.width and init\\.seed redraws the initial weights .* over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis`));
  // It advises the largest square these axes allow (a tester followed the output limit's 895 × 895 into
  // it, and it named no size); one more cell a side is refused, that side is not.
  const side = Number(/use a smaller --size \(at most (\d+) × \d+ with these axes\)/.exec(redraws.stderr)?.[1]);
  assert.ok(side > 0, redraws.stderr);
  const over = await run(['phase', 'p', '--x', 'width=1:10000000', '--y', 'seed=0:1000', '--linear', '--size', String(side + 1)], files);
  assert.match(over.stderr, /redraws the initial weights/);
  const oneWidth = await run(['phase', 'p', '--x', 'width=1:10000000', '--y', 'outputScale=1:2', '--size', '895', '--csv'], files);
  const widthSide = Number(/\(at most (\d+) × \d+ with these axes\)/.exec(oneWidth.stderr)?.[1]);
  assert.ok(widthSide > 8 && widthSide < 895, oneWidth.stderr);
  const oneAxis = await run(['phase', 'p', '--x', 'width=1:10000000', '--y', 'outputScale=1:2', '--size', '8'], files);
  assert.equal(oneAxis.code, 0, oneAxis.stderr);
  assert.deepEqual(JSON.parse(oneAxis.stdout).x.values.slice(-1), [10_000_000]);
});

test('an axis value that makes the valid file invalid is the flag\'s: exit 2 naming the axis, the value and the problem', async () => {
  // Issue 8, kind 6 (review round 3): data.x[0] from −1 to 1 passes through 0 and makes data.x the zero
  // vector; the file (data.x = [0.5]) is valid, so the flag is to blame, not FILE (it was exit 1 at data.x).
  const files = { z: JSON.stringify({ model: { width: 8 }, data: { x: [0.5], y: 1 }, init: { scaleU: 0.1, scaleW: 0.1, seed: 1 }, learningRates: { u: 0.1, W: 0.1 }, time: { end: 100 } }) };
  const zero = 'data.x[0]=-1:1';
  const cases: [string, string, RegExp][] = [
    [zero, 'outputScale=0.1:10', /^flab: --x: at data\.x\[0\] = 0, a value of the diagram's x axis: data\.x is the zero vector.*; choose a range of data\.x\[0\] without it\n/],
    ['outputScale=0.1:10', zero, /^flab: --y: at data\.x\[0\] = 0, a value of the diagram's y axis: data\.x is the zero vector/],
    ['width=1:8', zero, /^flab: --y: at data\.x\[0\] = 0, a value of the diagram's y axis/],
    [zero, 'width=1:8', /^flab: --x: at data\.x\[0\] = 0, a value of the diagram's x axis/],
  ];
  for (const method of [[], ['--descent']]) {
    for (const [x, y, message] of cases) {
      const r = await run(['phase', 'z', '--x', x, '--y', y, '--linear', '--size', '5', ...method], files);
      assert.equal(r.code, 2, `${x} ${y} ${method}: ${r.stderr}`);
      assert.match(r.stderr, message, `${x} ${y}`);
    }
  }
  // Two values that are each fine but not together: both flags.
  const two = { t: files.z.replace('"x":[0.5]', '"x":[0.5,0.5]') };
  const pair = await run(['phase', 't', '--x', 'data.x[0]=-1:1', '--y', 'data.x[1]=-1:1', '--linear', '--size', '3'], two);
  assert.equal(pair.code, 2, pair.stderr);
  assert.match(pair.stderr, /^flab: --x, --y: at data\.x\[0\] = 0 and data\.x\[1\] = 0, a value of the diagram's two axes: data\.x is the zero vector.*; choose ranges without this pair\n/);
  // Issue 8, F9: the file's own data.x[1] is 0, but the diagram never uses it: x = 0 is refused only
  // with y = 0, so the pair is to blame, not --x alone (it was "--x: at data.x[0] = 0").
  const own = { o: files.z.replace('"x":[0.5]', '"x":[1,0]') };
  const both = await run(['phase', 'o', '--x', 'data.x[0]=-1:1', '--y', 'data.x[1]=-1:1', '--linear', '--size', '3'], own);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /^flab: --x, --y: at data\.x\[0\] = 0 and data\.x\[1\] = 0, a value of the diagram's two axes: data\.x is the zero vector.*; choose ranges without this pair\n/);
  // Without the pair (0, 0) in the grid it is computed, though the file's data.x[1] is 0.
  const apart = await run(['phase', 'o', '--x', 'data.x[0]=-1:1', '--y', 'data.x[1]=0.5:1', '--linear', '--size', '3'], own);
  assert.equal(apart.code, 0, apart.stderr);
  // A value refused with every value of the other axis is that axis's: data.x[0] = 0 against a y axis
  // of the one value data.x[1] = 0 (one row) is --x's.
  const onlyX = await run(['phase', 'o', '--x', 'data.x[0]=-1:1', '--y', 'data.x[1]=0:0', '--linear', '--size', '3x1'], own);
  assert.equal(onlyX.code, 2, onlyX.stderr);
  assert.match(onlyX.stderr, /^flab: --x: at data\.x\[0\] = 0, a value of the diagram's x axis: data\.x is the zero vector/);
  // Without 0 on the axis the diagram is computed.
  assert.equal((await run(['phase', 'z', '--x', 'data.x[0]=-1:1', '--y', 'outputScale=0.1:10', '--linear', '--size', '4'], files)).code, 0);
});

test('scaling --widths and --seeds are bounded before any width is made', async () => {
  const cases: [string[], RegExp][] = [
    [['--widths', '1:2:1000000000'], /^flab: --widths 1:2:1000000000: COUNT must be from 2 to 100, got 1000000000/],
    [['--widths', '1:99999999999999999999'], /^flab: --widths 1:99999999999999999999: each width must be a whole number from 1 to 10,000,000 \(model\.width's range\), got 99999999999999999999/],
    [['--widths', '0:8'], /each width must be a whole number from 1/],
    [['--widths', '8:4'], /need FROM ≤ TO/],
    [['--widths', Array.from({ length: MAX_SCAN_WIDTHS + 1 }, (_, i) => i + 1).join(',')], /101 widths, over the limit of 100/],
    [['--widths', '1.5:8'], /expected FROM:TO, FROM:TO:COUNT or a list/],
    // Widths that round alike were dropped without a word (64:70:20 ran 7 of 20, 2:3:5 ran 2).
    [['--widths', '64:70:20'], /^flab: --widths 64:70:20: the 20 widths evenly in log from 64 to 70 round to 7 distinct whole numbers \(64, 65, 66, …, 70\): 13 would repeat another; use COUNT at most 7, ends further apart, or a list of widths\n/],
    [['--widths', '2:3:5'], /^flab: --widths 2:3:5: the 5 widths evenly in log from 2 to 3 round to 2 distinct whole numbers \(2, 3\): 3 would repeat another/],
    [['--seeds', '0'], /^flab: --seeds must be a whole number from 1 to 1000, got `0`/],
    [['--seeds', '1e3'], /^flab: --seeds must be a whole number/],
  ];
  for (const [flags, message] of cases) {
    const r = await run(['scaling', 'missing', ...flags]);
    assert.equal(r.code, 2, flags.join(' '));
    assert.match(r.stderr, message, flags.join(' '));
  }
  const files = { w: readFileSync(join(REPO, 'examples/width-scaling-ntk.flab.json'), 'utf8') };
  const draws = await run(['scaling', 'w', '--widths', '1:10000000', '--seeds', '1000'], files);
  assert.equal(draws.code, 2);
  assert.match(draws.stderr, new RegExp(`^flab: --widths, --seeds: 1,000 seeds × the widths' weights .* over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis`));
  const wide = { d: ALIGNMENT.replace(/"x": \[[^\]]*\]/, `"x": [${Array(10).fill(1).join(', ')}]`) };
  const perRun = await run(['scaling', 'd', '--widths', '10000000:10000000', '--seeds', '1'], wide);
  assert.equal(perRun.code, 2);
  assert.match(perRun.stderr, new RegExp(`^flab: --widths: width 10,000,000 × input dimension 10 = 100,000,000 weights, over the limit of ${formatCount(MAX_PARAMETERS)} for one run`));
});

test('a sweep whose output or draws pass their limits is refused at its "sweep", before it runs', async () => {
  const example = JSON.parse(ALIGNMENT);
  const output = JSON.stringify({ ...example, sweep: { outputScale: { from: 1, to: 2, count: 1000 } }, time: { end: 10, points: 1_000_000 } });
  const r = await run(['sweep', 's'], { s: output });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^s:\d+:\d+: error: the sweep's 1,000 runs could print up to .* GiB, over the output limit of 256 MiB/);
  // The runs are kept until printed: even their summaries alone are refused past the points of four runs.
  const summary = await run(['sweep', 's', '--summary'], { s: output });
  assert.equal(summary.code, 1);
  assert.match(summary.stderr, /^s:\d+:\d+: error: the sweep's 1,000 runs report 1,000,000,000 points in all, over the limit of 4,000,000 for one sweep/);
  const small = JSON.stringify({ ...example, sweep: { outputScale: { from: 1, to: 2, count: 3 } }, time: { end: 10, points: 11 } });
  const ok = await run(['sweep', 's', '--summary'], { s: small });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).values, [1, 1.41421356237309, 2]);
  const draws = JSON.stringify({ ...example, sweep: { width: { from: 1_000_000, to: 10_000_000, count: 100 } } });
  const d = await run(['sweep', 's', '--summary'], { s: draws });
  assert.equal(d.code, 1);
  assert.match(d.stderr, new RegExp(`^s:\\d+:\\d+: error: the sweep draws width × input dimension initial weights \\(and reads the data\\) for each of its 100 values, 392,473,928 numbers in all, over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis`));
});

test('an error of flab\'s own is an internal error (exit 1), never bad usage', async () => {
  const run0 = solveCommand.run;
  try {
    solveCommand.run = (args, context) => {
      context.load(args.operands[0]);
      throw new RangeError('Invalid string length');
    };
    const r = await run(['solve', 'a'], { a: ALIGNMENT });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'a: error: internal error while running the experiment: RangeError: Invalid string length (a bug in flab: please report it with this file and command)\n');
  } finally {
    solveCommand.run = run0;
  }
});
