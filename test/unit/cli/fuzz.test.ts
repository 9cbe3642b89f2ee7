/**
 * The CLI fuzz test (issue 8, "How it is held"): hundreds of mutated experiment files
 * (fuzzCases.ts) run through `flab` in a worker thread with a time limit per case and a heap limit,
 * and the hostile fixed cases of the issue run as processes of the built CLI (a child process shows
 * a stack trace or a hang as the user would see it). Every run must keep the contract of
 * fuzzChecks.ts.
 *
 * FLAB_FUZZ_SEED (default 1) and FLAB_FUZZ_CASES (default 500) choose the campaign; a failure prints
 * the seed, the case, its command line and mutations, and saves the file under .tmp/fuzz/ so that
 * `node dist/cli.js …` reproduces it.
 *
 * Two groups of faults are reported apart. Refusal problems — of the parser, the reader, the flags,
 * the messages — fail the first test. What happens once a file is accepted — a run past the time
 * limit, an internal error of the computation, a non-finite number printed — is the numerics of
 * issue 8 (kinds 1–4), reported by the second test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { before, test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { runCli } from '../../../src/cli/run';
import { CaseGenerator, FuzzCase } from './fuzzCases';
import { internalError, outputProblems, refusalProblems, RunResult } from './fuzzChecks';

const REPO = resolve(__dirname, '../../../..');
const SEED = Number(process.env.FLAB_FUZZ_SEED ?? 1);
const CASES = Number(process.env.FLAB_FUZZ_CASES ?? 500);
/**
 * Per case: past this the worker is stopped and the case reported. The limit catches hangs (the faults
 * were endless loops); the slowest accepted case takes about 5 s of CPU (a swish network of width
 * 32,000 with --reference), which a loaded 2-core machine stretches to 15–19 s of wall time.
 */
const TIME_LIMIT_MS = 30_000;
/** The worker's heap: a run past it is stopped and reported. */
const HEAP_LIMIT_MB = 1536;

/** A case's outcome: the run's result, or how it was stopped; and whether the file was a valid experiment. */
interface Outcome {
  c: FuzzCase;
  valid: boolean | null;
  result?: RunResult & { ms: number; heapMb: number };
  stopped?: string;
}

interface Finding {
  c: FuzzCase;
  problem: string;
}

type ToWorker = FuzzCase;
type FromWorker = { id: number; stage: 'parsed'; valid: boolean } | { id: number; stage: 'done'; result: RunResult & { ms: number; heapMb: number } };

if (!isMainThread) {
  // The worker: one case at a time, in-process.
  parentPort!.on('message', async (c: ToWorker) => {
    const body = c.text.charCodeAt(0) === 0xfeff ? c.text.slice(1) : c.text;
    parentPort!.postMessage({ id: c.id, stage: 'parsed', valid: parseExperiment(body).experiment !== null } satisfies FromWorker);
    const start = performance.now();
    let result: RunResult;
    try {
      result = await runCli(c.argv, { readText: (f) => (f === c.file ? c.text : readFileSync(f, 'utf8')) });
    } catch (e) {
      result = { code: null, stdout: '', stderr: `runCli threw: ${(e as Error).stack ?? e}` };
    }
    const ms = performance.now() - start;
    parentPort!.postMessage({ id: c.id, stage: 'done', result: { ...result, ms, heapMb: getHeapStatistics().used_heap_size / 2 ** 20 } } satisfies FromWorker);
  });
} else {
  const outcomes: Outcome[] = [];
  let campaignMs = 0;

  before(async () => {
    const examples = readdirSync(join(REPO, 'examples'))
      .filter((f) => f.endsWith('.flab.json'))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(REPO, 'examples', name), 'utf8') }));
    const generator = new CaseGenerator(SEED, examples);
    const cases = Array.from({ length: CASES }, (_, i) => generator.next(i));
    const start = performance.now();
    outcomes.push(...(await runInWorker(cases)));
    campaignMs = performance.now() - start;
  });

  test(`fuzz: ${CASES} mutated experiment files (seed ${SEED}): exit 0/1/2, no stack trace, every refusal located, within time and memory`, (t) => {
    t.diagnostic(`seed ${SEED}: ${outcomes.length} cases in ${(campaignMs / 1000).toFixed(1)} s; ${outcomes.filter((o) => o.result?.code === 0).length} accepted, ${outcomes.filter((o) => o.result?.code === 1).length} refused as bad files, ${outcomes.filter((o) => o.result?.code === 2).length} as bad usage`);
    const slowest = outcomes.filter((o) => o.result).sort((a, b) => b.result!.ms - a.result!.ms).slice(0, 5);
    t.diagnostic(`slowest: ${slowest.map((o) => `case ${o.c.id} (${o.c.argv[0]}) ${(o.result!.ms / 1000).toFixed(2)} s`).join(', ')}; largest heap after a case: ${Math.max(...outcomes.map((o) => o.result?.heapMb ?? 0)).toFixed(0)} MB`);
    const findings = outcomes.flatMap((o) => refusalFindings(o));
    assert.equal(findings.length, 0, report('refusal problems', findings));
  });

  test(
    `fuzz: ${CASES} mutated experiment files (seed ${SEED}): every accepted file computed within the time limit, every number printed finite`,
    () => {
      const findings = outcomes.flatMap((o) => runFindings(o));
      assert.equal(findings.length, 0, report('problems of accepted files', findings));
    },
  );

  test('the hostile files of issue 8, kinds 5 and 6, as processes of the built CLI', async () => {
    const findings = await runFixed(FIXED_REFUSALS);
    assert.equal(findings.length, 0, report('refusal problems', findings));
  });

  test('the hostile files of issue 8, kinds 1–4, as processes of the built CLI', async () => {
    const findings = await runFixed(FIXED_NUMERICS);
    assert.equal(findings.length, 0, report('problems of accepted files', findings));
  });
}

/** Refusal problems: the contract of the command line, and anything that goes wrong before a file is accepted. */
function refusalFindings(o: Outcome): Finding[] {
  const out: Finding[] = [];
  if (o.stopped && o.valid !== true) out.push({ c: o.c, problem: `${o.stopped} while reading or checking the file` });
  if (!o.result) return out;
  const internal = internalError(o.result);
  if (internal && o.valid !== true) out.push({ c: o.c, problem: `${internal} (the file is not a valid experiment)` });
  if (o.result.code === null) out.push({ c: o.c, problem: o.result.stderr.slice(0, 600) });
  for (const p of refusalProblems(o.c.argv, o.c.file, o.c.text, o.result)) out.push({ c: o.c, problem: p });
  return out;
}

/** What goes wrong once a file is accepted: the computation (issue 8, kinds 1–4). */
function runFindings(o: Outcome): Finding[] {
  const out: Finding[] = [];
  if (o.stopped && o.valid === true) out.push({ c: o.c, problem: `${o.stopped} on a valid experiment` });
  if (!o.result) return out;
  const internal = internalError(o.result);
  if (internal && o.valid === true) out.push({ c: o.c, problem: internal });
  for (const p of outputProblems(o.c.argv, o.result)) out.push({ c: o.c, problem: p });
  return out;
}

/** Runs the cases one by one in a worker; a case past the time limit or the heap stops the worker, which is replaced. */
async function runInWorker(cases: FuzzCase[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  while (next < cases.length) {
    const worker = new Worker(__filename, { resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
    await new Promise<void>((done) => {
      let current: Outcome | undefined;
      let timer: NodeJS.Timeout | undefined;
      const send = (): void => {
        if (next >= cases.length) {
          void worker.terminate().then(() => done());
          return;
        }
        current = { c: cases[next++], valid: null };
        outcomes.push(current);
        timer = setTimeout(() => {
          current!.stopped = `stopped after ${TIME_LIMIT_MS / 1000} s`;
          current = undefined;
          void worker.terminate();
        }, TIME_LIMIT_MS);
        worker.postMessage(current.c);
      };
      worker.on('message', (m: FromWorker) => {
        if (!current || m.id !== current.c.id) return;
        if (m.stage === 'parsed') {
          current.valid = m.valid;
          return;
        }
        clearTimeout(timer);
        current.result = m.result;
        send();
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        if (current) current.stopped = `the worker died: ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`;
        current = undefined;
      });
      worker.on('exit', () => {
        clearTimeout(timer);
        done();
      });
      send();
    });
  }
  return outcomes;
}

const CLI = join(REPO, 'dist/cli.js');
const FIXED_DIR = join(REPO, '.tmp/fuzz/fixed');

/** One fixed case: a file (or none), the arguments (FILE stands for it), and what the issue says about it. */
interface Fixed {
  name: string;
  text?: string;
  argv: string[];
  issue: string;
}

async function runFixed(fixed: Fixed[]): Promise<Finding[]> {
  mkdirSync(FIXED_DIR, { recursive: true });
  const runs = fixed.map(async (f, id): Promise<Finding[]> => {
    const file = f.text === undefined ? f.argv[1] : join(FIXED_DIR, `${f.name}.flab.json`);
    if (f.text !== undefined) writeFileSync(file, f.text);
    const argv = f.argv.map((a) => (a === 'FILE' ? file : a));
    const c: FuzzCase = { id, argv, file, text: f.text ?? '', mutations: [`${f.name}: ${f.issue}`] };
    const r = await runProcess(argv);
    const valid = f.text === undefined ? false : parseExperiment(f.text.replace(/^\uFEFF/, '')).experiment !== null;
    const o: Outcome = { c, valid, ...(r.stopped ? { stopped: r.stopped } : { result: { ...r, ms: 0, heapMb: 0 } }) };
    return [...refusalFindings(o), ...runFindings(o)];
  });
  return (await Promise.all(runs)).flat();
}

function runProcess(argv: string[]): Promise<RunResult & { stopped?: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ...(signal ? { stopped: `stopped after ${TIME_LIMIT_MS / 1000} s (${signal})` } : {}) });
    });
  });
}

/** The failure report: the seed, then each case with its command line, mutations, problems and saved file. */
function report(what: string, findings: Finding[]): string {
  const dir = join(REPO, '.tmp/fuzz', `seed-${SEED}`);
  mkdirSync(dir, { recursive: true });
  const byCase = new Map<FuzzCase, string[]>();
  for (const f of findings) byCase.set(f.c, [...(byCase.get(f.c) ?? []), f.problem]);
  const lines = [`${findings.length} ${what} in ${byCase.size} cases (seed ${SEED}; rerun with FLAB_FUZZ_SEED=${SEED} FLAB_FUZZ_CASES=${CASES}):`];
  let shown = 0;
  for (const [c, problems] of byCase) {
    if (++shown > 30) {
      lines.push(`… and ${byCase.size - 30} more cases`);
      break;
    }
    // A fixed case's file is already saved; a generated one is saved now.
    let saved = c.file;
    if (!c.file.startsWith('/')) {
      saved = join(dir, c.file);
      writeFileSync(saved, c.text);
    }
    const arg = (a: string): string => (a === c.file ? relative(REPO, saved) : /^[\w./:=,+-]+$/.test(a) ? a : JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…` : a));
    lines.push(`- case ${c.id}: node dist/cli.js ${c.argv.map(arg).join(' ')}`);
    lines.push(`  mutations: ${c.mutations.join('; ')}`);
    for (const p of problems.slice(0, 6)) lines.push(`  problem: ${p}`);
    if (problems.length > 6) lines.push(`  … and ${problems.length - 6} more problems`);
  }
  return lines.join('\n');
}

const example = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(REPO, 'examples', `${name}.flab.json`), 'utf8'));
const base = { model: { width: 2 }, data: { x: [1], y: 1 }, init: { u: [1, 0.5], W: [[1], [0.5]] }, learningRates: { u: 1, W: 1 } };
const json = (v: unknown): string => JSON.stringify(v, null, 2);

/** Issue 8, kinds 5 and 6. */
const FIXED_REFUSALS: Fixed[] = [
  { name: 'deep-nesting', text: `{"model": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, argv: ['solve', 'FILE'], issue: 'nesting deeper than a few thousand levels' },
  { name: 'byte-order-mark', text: '\uFEFF' + json(example('alignment')), argv: ['solve', 'FILE', '--summary'], issue: 'a UTF-8 byte-order mark' },
  { name: 'prototype-keys', text: json(example('alignment')).replace('"model": {', '"model": { "__proto__": 1, "constructor": 2, "toString": 3, "hasOwnProperty": 4,'), argv: ['solve', 'FILE'], issue: 'keys of Object.prototype' },
  { name: 'megabyte-key', text: json(example('alignment')).replace('"model": {', `"model": { "${'k'.repeat(1 << 20)}": 1,`), argv: ['solve', 'FILE'], issue: 'a 1 MB unknown key' },
  { name: 'dev-zero', argv: ['solve', '/dev/zero'], issue: 'flab solve /dev/zero' },
  { name: 'width-1e309', text: json(example('alignment')).replace(/"width": \d+/, '"width": 1e309'), argv: ['solve', 'FILE'], issue: '"width": 1e309' },
  { name: 'sweep-without-sweep', text: json(example('alignment')), argv: ['sweep', 'FILE'], issue: 'flab sweep on a file with no "sweep"' },
  { name: 'phase-size-2000', text: json(example('phase-output-scale-rate')), argv: ['phase', 'FILE', '--x', 'outputScale=1e-3:1e3', '--y', 'learningRates.W=1e-3:1e3', '--size', '2000'], issue: 'phase --size 2000' },
  { name: 'widths-count', text: json(example('width-scaling-ntk')), argv: ['scaling', 'FILE', '--widths', '1:2:1000000000'], issue: '--widths 1:2:1000000000' },
  { name: 'widths-huge', text: json(example('width-scaling-ntk')), argv: ['scaling', 'FILE', '--widths', '1:99999999999999999999'], issue: '--widths 1:99999999999999999999' },
];

/** Issue 8, kinds 1–4: schema-valid files whose computation hangs, overflows or disagrees with itself. */
const FIXED_NUMERICS: Fixed[] = [
  { name: 'rates-1e160', text: json({ ...base, learningRates: { u: 1e160, W: 1e160 } }), argv: ['solve', 'FILE'], issue: 'kind 1: the horizon search never returns' },
  { name: 'x-1e300', text: json({ ...base, data: { x: [1e300], y: 1 } }), argv: ['solve', 'FILE'], issue: 'kind 1: data.x [1e300]' },
  { name: 'y-minus-1e308', text: json({ ...base, data: { x: [1], y: -1e308 } }), argv: ['solve', 'FILE'], issue: 'kind 1: data.y -1e308' },
  { name: 'output-scale-power', text: json({ ...example('alignment'), model: { width: 64, outputScale: { widthExponent: 4, base: 1e300 } } }), argv: ['solve', 'FILE'], issue: 'kind 1: widthExponent 4, base 1e300' },
  { name: 'sweep-from-1e308', text: json({ ...example('alignment'), sweep: { outputScale: { from: 1e308, to: 1.5e308, count: 2 } } }), argv: ['sweep', 'FILE', '--summary'], issue: 'kind 1: a sweep from 1e308' },
  { name: 'scales-1e150', text: json({ ...example('alignment'), init: { scaleU: 1e150, scaleW: 1e150, seed: 1 } }), argv: ['solve', 'FILE'], issue: 'kind 2: output, loss, normW null' },
  { name: 'y-1e300', text: json({ ...base, data: { x: [1], y: 1e300 } }), argv: ['simulate', 'FILE'], issue: 'kind 2: loss Infinity; simulate blames the weights' },
  { name: 'x-subnormal', text: json({ ...base, data: { x: [5e-324], y: 1 } }), argv: ['solve', 'FILE'], issue: 'kind 2: ζ NaN' },
  { name: 'scales-1e-100', text: json({ ...example('alignment'), init: { scaleU: 1e-100, scaleW: 1e-100, seed: 1 } }), argv: ['solve', 'FILE', '--summary'], issue: 'kind 2: label rescaling, zetaInitial null' },
  { name: 'aligned-other-sign', text: json({ model: { width: 2 }, data: { x: [1], y: -2 }, init: { u: [0.28, 0.96], W: [[0.28], [0.96]] }, learningRates: { u: 1, W: 1 } }), argv: ['solve', 'FILE'], issue: 'kind 2: collapse to the saddle, ζ 1.09' },
  { name: 'single-neuron-scores', text: json({ model: { width: 1 }, data: { x: [1, 0], y: 1 }, init: { u: [0.3], W: [[0.2, 0.5]] }, learningRates: { u: 1, W: 1e50 }, time: { end: 1e-3 } }), argv: ['solve', 'FILE'], issue: 'kind 3: scores.distance 0, series 5.0829' },
  { name: 'decay-vanishing', text: json({ model: { width: 3 }, data: { x: [1, 0], y: 1 }, init: { u: [0.5, -0.3, 0.2], W: [[0.4, 0.1], [0.2, -0.5], [-0.3, 0.3]] }, learningRates: { u: 0.5, W: 0.2 }, weightDecay: 10, time: { end: 50, points: 51 } }), argv: ['solve', 'FILE'], issue: 'kind 4: relative accuracy as the norms vanish' },
  { name: 'decay-step-limit', text: json({ model: { width: 4 }, data: { x: [1], y: 0.01 }, init: { scaleU: 3, scaleW: 3, seed: 0 }, learningRates: { u: 1, W: 1 }, weightDecay: 1, time: { points: 400, spacing: 'log' } }), argv: ['solve', 'FILE'], issue: 'kind 4: the stiff integrator\'s step limit' },
];
