// The core's benchmark sections (issue 2, "Speed"): each returns one line of results.
import { bundleScript, cli, ms, normalsFloor, runJson, sideBySide, writeExperiment } from './util.mjs';

const REPETITIONS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 7);

/**
 * (a) A width-10⁶ exact solve with 2,000 points, as a whole `flab solve FILE --json > /dev/null`
 * process, against the floor: a bare Node process that only draws the same 2·10⁶ initial normals
 * (u, then W, D = 1) with the project's generator (src/core/math/rng.ts bundled by esbuild, like the CLI).
 */
async function wideSolve() {
  const width = 1_000_000;
  const seed = 7;
  const file = writeExperiment('wide', {
    model: { width, outputScale: 1 / Math.sqrt(width) },
    data: { x: [1], y: 1 },
    init: { scaleU: 1, scaleW: 1, seed },
    learningRates: { u: 1, W: 1 },
    time: { points: 2000 },
  });
  const floor = await normalsFloor(width, seed);
  const [solve, draw] = sideBySide([[cli, 'solve', file, '--json'], [floor]], REPETITIONS);
  return `width 10⁶, 2,000 points: flab solve --json ${ms(solve)}, bare Node drawing 2·10⁶ normals ${ms(draw)}: ratio ${(solve / draw).toFixed(2)} (target ≤ 2; median of ${REPETITIONS}, alternating)`;
}

/**
 * (b) The exact solve against gradient descent reaching the same time at a rate small enough for
 * 1e-3 accuracy: GD with rates η·h for T/h steps follows the flow of rates η to time T with an error
 * ∝ h (first order); h is halved until max_t |f_GD − f_exact| ≤ 1e-3 · max_t |f_exact|.
 * Both the simulator's O(1) recursion and its plain O(d·D) loop (`--reference`) are timed.
 */
async function solveVersusSimulate() {
  const points = 200;
  const base = {
    model: { width: 1000, outputScale: 0.05 },
    data: { x: [0.8, 0.6], y: 1 },
    init: { scaleU: 0.02, scaleW: 0.02, seed: 3 },
    learningRates: { u: 1, W: 1 },
  };
  const horizon = runJson([cli, 'solve', writeExperiment('horizon', { ...base, time: { points: 2 } }), '--json']).summary.horizon;
  let error = Infinity;
  let rate;
  let steps;
  let exactFile;
  let gdFile;
  for (let total = Math.max(points, Math.round(horizon)); !(error <= 1e-3) && total < 1e7; total *= 2) {
    steps = Array.from({ length: points }, (_, k) => Math.round((k * total) / (points - 1)));
    rate = horizon / total; // GD at rates η·rate: one step ≈ flow time `rate`
    exactFile = writeExperiment('exact', { ...base, time: { at: steps.map((k) => k * rate) } });
    gdFile = writeExperiment('descent', { ...base, learningRates: { u: base.learningRates.u * rate, W: base.learningRates.W * rate }, time: { at: steps } });
    const exact = runJson([cli, 'solve', exactFile, '--json']);
    const gd = runJson([cli, 'simulate', gdFile, '--json']);
    const scale = Math.max(...exact.output.map(Math.abs));
    error = Math.max(...exact.output.map((f, k) => Math.abs(gd.output[k] - f))) / scale;
  }
  const totalSteps = steps[steps.length - 1];
  const [exact, recursion, plain] = sideBySide([[cli, 'solve', exactFile, '--json'], [cli, 'simulate', gdFile, '--json'], [cli, 'simulate', gdFile, '--reference', '--json']], Math.max(3, REPETITIONS - 2));
  // The same three in one process (parse once, then solve/simulate only): the work without Node's start-up.
  const inProcess = await bundleScript('in-process.js', `import { readFileSync } from 'node:fs';
        import { parseExperiment } from './src/core/experiment/parse';
        import { simulate } from './src/core/runs/simulate';
        import { solve } from './src/core/runs/solve';
        const exact = parseExperiment(readFileSync(process.argv[2], 'utf8')).experiment!;
        const descent = parseExperiment(readFileSync(process.argv[3], 'utf8')).experiment!;
        const runs = [() => solve(exact), () => simulate(descent), () => simulate(descent, { reference: true })];
        const times: number[][] = runs.map(() => []);
        for (let r = 0; r < ${REPETITIONS}; r++) runs.forEach((run, i) => { const t0 = performance.now(); run(); times[i].push(performance.now() - t0); });
        const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
        console.log(JSON.stringify(times.map(median)));`);
  const [e2, r2, p2] = runJson([inProcess, exactFile, gdFile]);
  const x = (a, b) => `×${(a / b).toFixed(a / b < 10 ? 2 : 0)}`;
  return `width 1000, flow time ${horizon.toPrecision(3)}, ${points} points; GD at rates η·${rate.toPrecision(3)} (${totalSteps} steps) is within ${error.toExponential(1)} of the flow. ` +
    `Whole processes: exact ${ms(exact)}, simulate ${ms(recursion)} (${x(recursion, exact)}), simulate --reference ${ms(plain)} (${x(plain, exact)}). ` +
    `In process: exact ${e2.toFixed(2)} ms, simulate ${r2.toFixed(2)} ms (${x(r2, e2)}), simulate --reference ${p2.toFixed(1)} ms (${x(p2, e2)})`;
}

export const sections = [
  { name: 'exact solve at width 10⁶ vs drawing the initial normals', run: wideSolve },
  { name: 'exact solve vs gradient descent at 1e-3 accuracy', run: solveVersusSimulate },
];
