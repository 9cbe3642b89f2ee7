/**
 * `flab phase FILE --x KEY=FROM:TO --y KEY=FROM:TO [--descent]`: the mechanism label and scores over a
 * grid of two hyperparameters, of the exact flow or of gradient descent with its outcome
 * (docs/phase-diagram.md). Every flag is checked before the file is read, and the grid's output,
 * redraws and work against their limits before any cell is computed (docs/limits.md).
 */
import { FAST_PATHS, fastAxesAdvice, PhaseWorkError } from '../../core/analysis/phase/cellEvaluator';
import { MAX_DIAGRAM_STEPS } from '../../core/analysis/phase/descentCells';
import { axisKeyIn, largestPhaseSide, MAX_PHASE_CELLS, PhaseAxis, PhaseAxisError, PhaseComputation, pinnedAxis, zeroWidthAxis } from '../../core/analysis/phase/phaseDiagram';
import { MAX_FIGURE_SIDE, phaseSvg, PLOT_H, PLOT_W } from '../../core/analysis/phase/phaseSvg';
import { phaseCsv, phaseJson } from '../../core/analysis/phase/phaseTable';
import { eachOf, excerpt, formatCount } from '../../core/experiment/diagnostic';
import { Experiment, inputDimension } from '../../core/experiment/experiment';
import { checkValue, keyNotInFile, NumericKey, numericKeys, otherKindKey, otherKindPhrase, resolveKey, suggestKey } from '../../core/experiment/hyperparameters';
import { countJsonTokens } from '../../core/experiment/parse';
import { rangeValues } from '../../core/experiment/sweepSpec';
import { WIDTH_SCALED_PATHS } from '../../core/experiment/widthPowers';
import { DESCENT_OUTCOMES } from '../../core/linearFlow/stability';
import { LABEL_NAMES, SCORE_NAMES } from '../../core/mechanisms/classify';
import { Command, fileKindFirst, printed, UsageError } from '../command';
import { formatBytes, MAX_ANALYSIS_DRAWS, MAX_ANALYSIS_TOKENS, MAX_OUTPUT_BYTES, NUMBER_BYTES, rereadTooLarge } from '../limits';
import { formatLarge, largeOverLimit, outputTooLarge } from '../output';
import { outputFileProblem } from '../outputFile';

const DEFAULT_SIZE = 64;

export { phaseCsv, phaseJson };

export const phaseCommand: Command = {
  name: 'phase',
  summary: 'mechanism label and scores over a grid of two hyperparameters (exact flow, t → ∞; or gradient descent with --descent); log axes unless --linear',
  help: `KEY is a JSON path (init.scaleU, data.x[0]) or a unique key (outputScale). --json prints method, x and y
({key, path, values, current, widthPower}: on a key that is a power of the width in the file, values and
current are its base b and widthPower is {exponent, width}; the cells compute with b·d^exponent, d = width, or,
with model.width the other axis, {exponent, width: null, widthAxis} and d each cell's value of that axis), label (rows by y, columns by x; null where a descent run diverged: blew up, or is dead),
refused (true where the cell's run would print a number beyond 64 bits, as flab solve or simulate of
it would refuse it: no label, scores or outcome), scores (null where undefined) and thresholds; the
flow also scoredOver ("infinity", or "end" with classify.at) and budget; --descent also budget (steps), outcome (converged, catapult, unsettled,
dead or diverged per cell: unsettled = the loss rose and is still above its start at the end of the budget, finite,
where diverged is a blow-up; dead = a ReLU network every unit of which is inactive on every sample at the end:
no gradient, no label, no scores), deadStep (the step a dead cell's units died at, as flab simulate of it says; null elsewhere) and lines (the critical rates ηK₀ = 2 and 4 of the linear network, as segments [x1, y1, x2, y2]).
With --descent each cell runs gradient descent for time.end steps (without time.end, the file's default
number of steps, the same for every cell), at most ${formatCount(MAX_DIAGRAM_STEPS)} steps in all. The grid has at most
${formatCount(MAX_PHASE_CELLS)} cells: with --svg at most ${formatCount(MAX_FIGURE_SIDE)} a side (the figure's plot is ${PLOT_W} × ${PLOT_H} pixels), in
JSON or CSV as many as keep the output within ${formatBytes(MAX_OUTPUT_BYTES)}; an
axis other than γ, σ_u, σ_W, η_u, η_W or data.y redraws the initial weights per value, at most
${formatCount(MAX_ANALYSIS_DRAWS)} in all (docs/limits.md).`,
  operands: ['FILE'],
  options: [
    { flag: '--x', value: 'KEY=FROM:TO', required: true, help: 'the horizontal axis: a numeric hyperparameter and its range' },
    { flag: '--y', value: 'KEY=FROM:TO', required: true, help: 'the vertical axis' },
    { flag: '--size', value: 'N|NxM', help: `cells along x and y (N: N × N; NxM: N columns, M rows; default ${DEFAULT_SIZE}; with --svg at most ${formatCount(MAX_FIGURE_SIDE)} a side)` },
    { flag: '--linear', help: 'space both axes evenly (default: evenly in log, which needs both ends > 0)' },
    { flag: '--descent', help: 'gradient descent at each cell\'s rates for the step budget time.end, with its outcome (default: the exact flow)' },
    { flag: '--json', group: 'format', help: 'the diagram as one JSON object (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per cell: x, y, (outcome,) label and every score (descent: deadStep last); an axis of bases b of a power of the width is headed KEY.base (model.outputScale.base)' },
    { flag: '--svg', value: 'OUT', group: 'format', help: 'write the diagram as an SVG figure to OUT (- for standard output); OUT is never the experiment, a link or a file other than a figure' },
  ],
  async run(args, context) {
    const linear = args.has('--linear');
    const method = args.has('--descent') ? 'descent' : 'flow';
    const format = args.choice('format', 'json');
    let flags: { x: CheckedAxis; y: CheckedAxis; nx: number; ny: number; xValues: number[]; yValues: number[] };
    try {
      flags = fileKindFirst(args.operands[0], context, () => {
        const x = phaseAxis('--x', args.value('--x')!, linear);
        const y = phaseAxis('--y', args.value('--y')!, linear);
        if (x.key.path === y.key.path) throw new UsageError(`--x and --y both name ${x.key.path}: choose two different hyperparameters`);
        const [nx, ny] = gridSize(args.value('--size'), format, method, x, y);
        for (const [flag, axis, cells] of [['--x', x, nx], ['--y', y, ny]] as const) {
          const zeroWidth = cells > 1 ? zeroWidthAxis(axis.axis.from, axis.axis.to, axis.key.integer) : null;
          if (zeroWidth) throw new UsageError(`${flag}: ${axis.key.path}=${axis.written}: ${zeroWidth}`);
        }
        return { x, y, nx, ny, xValues: axisValues('--x', x, nx), yValues: axisValues('--y', y, ny) };
      });
    } catch (err) {
      if (!(err instanceof SizeRefusal)) throw err;
      // The size is refused before the file counts, but the largest square it advises must pass the
      // file's limits too (redraws, work): read it for the advice, when it can be read.
      let experiment: Experiment | null = null;
      try {
        experiment = context.load(args.operands[0]);
      } catch {
        // An unreadable or invalid file: the advice of the flags' own limits.
      }
      // An axis the file cannot vary is refused whatever the size: no size to advise.
      if (experiment) checkPinnedAxes(experiment, err.x, err.y);
      throw new UsageError(err.advise(largestSide(format, method, err.x, err.y, experiment)));
    }
    const { nx, ny, xValues, yValues } = flags;
    const svg = args.value('--svg');
    // `-` is standard output, as for the experiment file.
    const unwritable = svg === undefined || svg === '-' ? null : outputFileProblem(svg, args.operands);
    if (svg !== undefined && unwritable) throw new UsageError(`--svg ${excerpt(svg, 1000)}: cannot write the figure there: ${unwritable}`);
    const experiment = context.load(args.operands[0]);
    // A path into a width power's base is an axis over the key itself (axisKeyIn): named, checked and
    // counted as that key, and refused beside an axis over it.
    const x = { ...flags.x, key: axisKeyIn(experiment, flags.x.key) };
    const y = { ...flags.y, key: axisKeyIn(experiment, flags.y.key) };
    if (x.key.path === y.key.path) throw new UsageError(`--x and --y both name ${x.key.path} (${[flags.x.key.path, flags.y.key.path].filter((p) => p !== x.key.path).map((p) => `${p} is its base`).join('; ')}): choose two different hyperparameters`);
    for (const [flag, axis] of [['--x', x], ['--y', y]] as const) {
      const missing = keyNotInFile(experiment.source, axis.key.path);
      if (missing) throw new UsageError(`${flag}: ${missing}`);
    }
    checkPinnedAxes(experiment, x, y);
    const advised = () => largestSide(format, method, x, y, experiment);
    checkRedraws(experiment, x.key, xValues, y.key, yValues, advised);
    let job: PhaseComputation;
    try {
      job = new PhaseComputation(experiment, x.axis, y.axis, [nx, ny], method);
      // Chunks of ~200 ms between the counter's redraws (terminal writes are synchronous).
      while (!job.done) {
        job.stepFor(200);
        context.progress.update(job.rowsDone, job.rows, 'rows');
      }
    } catch (err) {
      // The work of the whole grid is as much the flags' doing as the file's: bad usage, naming both.
      // Its advice is of a size every limit accepts, not the work limit's alone.
      if (err instanceof PhaseWorkError) throw new UsageError(`--size ${nx}x${ny}, ${err.path}: ${err.workSide > 0 ? err.advise(advised()) : err.message}`);
      // A value of an axis that makes the (valid) file invalid: the flag's.
      if (err instanceof PhaseAxisError) throw new UsageError(`${err.axes.map((a) => `--${a}`).join(', ')}: ${err.message}`);
      throw err;
    }
    const p = job.result();
    const figure = () => phaseSvg(p, { title: experiment.name });
    const out = format === 'svg' ? (svg === '-' ? printed(figure()) : printed('', [{ path: svg!, text: figure() }])) : printed(format === 'csv' ? phaseCsv(p) : JSON.stringify(phaseJson(p)) + '\n');
    return { ...out, stderr: refusedNote(p.refused, method) };
  },
};

/**
 * Refuses an axis that this file cannot vary (`pinnedAxis`: model.width of an explicit initialisation,
 * one entry of a sample's input that keeps the data one-dimensional at one value only), before any limit
 * advises a smaller grid or another range of it, neither of which it would take; naming the axes this
 * file can vary instead.
 */
function checkPinnedAxes(e: Experiment, x: CheckedAxis, y: CheckedAxis): void {
  for (const [flag, axis] of [['--x', x], ['--y', y]] as const) {
    const why = pinnedAxis(e, axis.key.path);
    if (why === null) continue;
    const instead =
      axis.key.path === 'model.width'
        ? `, or give a random initialisation (init.scaleU, init.scaleW and init.seed in place of init.u and init.W) to vary the width`
        : `, or a sample's target (data.samples[k].y)`;
    throw new UsageError(`${flag}: ${axis.key.path} cannot be an axis of this file: ${why}; choose an axis over ${fastAxesAdvice(e)}${instead}`);
  }
}

/** A note on standard error when some cells are refused (beyond 64 bits), else ''. */
function refusedNote(refused: Uint8Array, method: string): string {
  const n = refused.reduce((s, r) => s + r, 0);
  if (n === 0) return '';
  return `flab: note: ${formatCount(n)} of ${formatCount(refused.length)} cells are refused (refused: true, no label or scores): their runs would print a number beyond 64 bits, and flab ${method === 'descent' ? 'simulate' : 'solve'} of each refuses it, naming the field and the values that work (docs/limits.md, "Representable ranges")\n`;
}

interface CheckedAxis {
  axis: PhaseAxis;
  key: NumericKey;
  /** `FROM:TO` as the flag writes it. */
  written: string;
}

/** `KEY=FROM:TO` → an axis whose key is a numeric hyperparameter and whose ends are allowed values of it. */
function phaseAxis(flag: string, spec: string, linear: boolean): CheckedAxis {
  const m = /^([^=]+)=([^:]*):([^:]*)$/.exec(spec);
  if (!m) throw new UsageError(`${flag}: expected KEY=FROM:TO, got \`${excerpt(spec)}\``);
  const key = resolveKey(m[1].trim());
  const axisPaths = numericKeys().map((k) => k.path).filter(isAxisKey);
  const axes = `axes are ${axisPaths.map((a) => `\`${a}\``).join(', ')} (or a path into an array, like \`data.x[0]\`)`;
  if ('error' in key) {
    // A network experiment's key (the flags are read before the file): the linear model's keys that
    // play its part, as axes; phase diagrams are the linear model's, and a network's key is swept.
    const network = otherKindKey(m[1].trim(), 'linear');
    if (!network) {
      // Suggested among the axes and the arrays' first entries (`x` → `data.x[0]`), and the axes listed —
      // not the sweep's numeric keys, four of which (time.*, weightDecay) an axis refuses.
      if (key.error.startsWith('unknown hyperparameter')) throw new UsageError(`${flag}: unknown hyperparameter \`${excerpt(m[1].trim())}\`${suggestKey(m[1], [...axisPaths, ...ARRAY_AXES])}; ${axes}`);
      throw new UsageError(`${flag}: ${key.error.replace(/; numeric keys are .*$/s, '')}; ${axes}`);
    }
    const asAxes = network.counterparts.filter(isAxisKey);
    const here = `${otherKindPhrase(network, 'linear')}, and flab phase draws its phase diagram (docs/phase-diagram.md)`;
    const instead = asAxes.length > 0 ? ` — did you mean ${asAxes.map((a) => `\`${a}\``).join(' or ')}?` : network.counterparts.length > 0 ? `, where it cannot be an axis: ${axes}` : `: ${axes}`;
    throw new UsageError(`${flag}: ${here}${instead}; for a network, sweep the key (\`flab sweep\`)`);
  }
  if (!isAxisKey(key.path)) {
    throw new UsageError(`${flag}: ${key.path} cannot be an axis: every cell of a phase diagram runs the file's own time range and step budget, and the closed-form flow of a cell has no weight decay; ${axes}`);
  }
  const from = parseNumber(m[2]);
  const to = parseNumber(m[3]);
  if (from === null || to === null) throw new UsageError(`${flag}: FROM and TO must be finite numbers, got \`${excerpt(spec)}\``);
  const scale = linear ? 'linear' : 'log';
  if (scale === 'log' && !(from > 0 && to > 0)) throw new UsageError(`${flag}: a log axis needs both ends > 0, got ${m[2]} and ${m[3]}; add --linear for an evenly spaced axis`);
  for (const v of [from, to]) {
    const bad = checkValue(key, key.integer ? Math.round(v) : v);
    if (bad) throw new UsageError(`${flag}: ${bad}`);
  }
  return { axis: { key: m[1].trim(), from, to, scale }, key, written: `${m[2].trim()}:${m[3].trim()}` };
}

/** Whether a key can be an axis of a phase diagram: not the time grid (the label is the t → ∞ limit's) nor weight decay (the closed-form flow has none). */
/** The first entry of each array of the linear model's file that an axis may take, for suggestions. */
const ARRAY_AXES = ['data.x[0]', 'data.samples[0].x[0]', 'data.samples[0].y', 'init.u[0]', 'init.W[0][0]'];

function isAxisKey(path: string): boolean {
  return !path.startsWith('time.') && path !== 'weightDecay';
}

/** A decimal number as written on a command line (no hex, no `Infinity`, no empty text), or null. */
function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * A `--size` over a limit of the grid (cells, a figure's side, the output), refused before the file
 * counts: `advise(side)` is the message advising a square of `side` cells a side, which the caller
 * computes from every limit at once (`largestSide`) — the size the grid's own limits allow could be
 * refused by the file's (the work of --descent, the redraws).
 */
class SizeRefusal extends UsageError {
  constructor(
    readonly advise: (side: number) => string,
    readonly x: CheckedAxis,
    readonly y: CheckedAxis,
    side: number,
  ) {
    super(advise(side));
    this.name = 'SizeRefusal';
  }
}

/** `--size N | NxM` → [columns, rows], within the cells the format can print (SVG: the sides its figure shows); a SizeRefusal past them. */
function gridSize(spec: string | undefined, format: string, method: 'flow' | 'descent', x: CheckedAxis, y: CheckedAxis): [number, number] {
  if (spec === undefined) return [DEFAULT_SIZE, DEFAULT_SIZE];
  const m = /^(\d+)(?:x(\d+))?$/.exec(spec);
  if (!m) throw new UsageError(`--size: expected N or NxM (whole numbers), got \`${excerpt(spec)}\``);
  const nx = Number(m[1]);
  const ny = Number(m[2] ?? m[1]);
  if (nx < 1 || ny < 1) throw new UsageError(`--size: each side needs at least 1 cell, got ${m[1]} × ${m[2] ?? m[1]}`);
  const refuse = (advise: (n: number) => string) => new SizeRefusal(advise, x, y, largestSide(format, method, x, y, null));
  if (format === 'svg' && Math.max(nx, ny) > MAX_FIGURE_SIDE) {
    throw refuse((n) => `--size ${excerpt(spec)}: a ${nx} × ${ny} grid for --svg, over the limit of ${formatCount(MAX_FIGURE_SIDE)} cells a side for a figure (docs/limits.md): its plot is ${PLOT_W} × ${PLOT_H} pixels, so more cells would not be seen, only computed; use at most ${formatCount(n)} × ${formatCount(n)}, or --json or --csv for the numbers`);
  }
  const cells = nx * ny;
  if (cells > MAX_PHASE_CELLS) {
    throw refuse((n) => `--size ${excerpt(spec)}: ${formatCount(cells)} cells, over the limit of ${formatCount(MAX_PHASE_CELLS)} for one diagram (docs/limits.md): use at most ${n} × ${n}`);
  }
  if (format !== 'svg' && phaseOutputBytes(nx, ny, format, method, fastAxes(x, y)) > MAX_OUTPUT_BYTES) {
    throw refuse((n) => outputTooLarge(phaseOutputBytes(nx, ny, format, method, fastAxes(x, y)), `--size ${excerpt(spec)}: a ${nx} × ${ny} grid in ${format.toUpperCase()}`, `use at most ${n} × ${n}, or --svg OUT`)!);
  }
  return [nx, ny];
}

/** Whether both axes change per cell at no cost (the critical lines' bound of the output, `phaseOutputBytes`). */
function fastAxes(x: CheckedAxis, y: CheckedAxis): boolean {
  return FAST_PATHS.has(x.key.path) && FAST_PATHS.has(y.key.path);
}

/**
 * The side of the largest square grid that every limit of this diagram accepts at once
 * (`largestPhaseSide`): its cells, the figure's side (--svg) or the output (JSON, CSV), and with the
 * file (`e`, when it could be read) its redraws and re-validations and the method's work. Every
 * refusal of a size advises this one, so that the size advised is not refused in turn by another
 * limit (a breaker's finding, 2026-12-03: --descent --size 3000 was advised 953 × 953 by the cell
 * limit, which the work limit then refused, advising 463).
 */
function largestSide(format: string, method: 'flow' | 'descent', x: CheckedAxis, y: CheckedAxis, e: Experiment | null): number {
  const fast = fastAxes(x, y);
  const text = e ? JSON.stringify(e.source ?? {}) : '';
  const file = e ? { tokens: countJsonTokens(text), characters: text.length } : null;
  return largestPhaseSide(e, x.axis, y.axis, method, (n) => {
    if (format === 'svg' ? n > MAX_FIGURE_SIDE : phaseOutputBytes(n, n, format, method, fast) > MAX_OUTPUT_BYTES) return false;
    if (!e || !file) return true;
    let xs: number[], ys: number[]; // prettier-ignore
    try {
      [xs, ys] = [axisValues('--x', x, n), axisValues('--y', y, n)];
    } catch {
      return true; // an axis refused for its values whatever the size: not the size's limit
    }
    return redrawsPass(redrawCost(e, x.key, xs, y.key, ys), file);
  });
}

/**
 * Worst-case bytes of a phase diagram printed as JSON or CSV. Gradient descent adds an outcome per
 * cell and, in JSON, the critical lines: at most two segments per square of four cells for each of the
 * two lines; over two fast axes K₀ is monotone along each, so a line crosses at most nx + ny squares.
 */
export function phaseOutputBytes(nx: number, ny: number, format: string, method = 'flow', fastAxes = true): number {
  const label = Math.max(...LABEL_NAMES.map((l) => Buffer.byteLength(l))) + 3;
  const outcome = method === 'descent' ? Math.max(...DESCENT_OUTCOMES.map((o) => o.length)) + 3 : 0;
  // `refused`: "false," in JSON, ",false" in CSV.
  const perCell = label + outcome + 6 + SCORE_NAMES.length * NUMBER_BYTES + (format === 'csv' ? 2 * NUMBER_BYTES + 1 : 0);
  const rowBrackets = ny * (SCORE_NAMES.length + (method === 'descent' ? 3 : 2)) * 3;
  const squares = fastAxes ? nx + ny : nx * ny;
  const lines = method === 'descent' && format === 'json' ? 2 * 2 * squares * (4 * NUMBER_BYTES + 4) + 4096 : 0;
  return nx * ny * perCell + (nx + ny) * NUMBER_BYTES + rowBrackets + lines + 4096;
}

/** The axis's values as the diagram computes them (phaseDiagram.ts: rangeValues, rounded for integer keys), each an allowed value. */
function axisValues(flag: string, { axis, key }: CheckedAxis, count: number): number[] {
  let values = rangeValues({ from: axis.from, to: axis.to, count, scale: axis.scale });
  if (key.integer) values = values.map(Math.round);
  for (const v of values) {
    const bad = checkValue(key, v);
    if (bad) throw new UsageError(`${flag}: ${bad}`);
  }
  return values;
}

/** Whether a diagram's redraws (`redrawCost`) pass MAX_ANALYSIS_DRAWS and, re-validating a file of `file`'s tokens and characters, MAX_ANALYSIS_TOKENS and the re-read limit. */
function redrawsPass(c: { draws: number; variants: number }, file: { tokens: number; characters: number }): boolean {
  if (c.variants > 0 && (file.tokens * c.variants > MAX_ANALYSIS_TOKENS || rereadTooLarge(file.characters, c.variants, '', ''))) return false;
  return c.draws <= MAX_ANALYSIS_DRAWS;
}

/**
 * The cost of the initial weights a diagram draws (or reads), against MAX_ANALYSIS_DRAWS. γ, σ_u,
 * σ_W, η_u, η_W and a single sample's y change per cell at no cost; any other axis redraws the
 * weights (and reads the data) once per value, and per cell when both axes do (the "fast keys"
 * of src/core/analysis/phase/phaseDiagram.ts). Each refusal advises the largest square grid that
 * every limit of the diagram accepts (`side()`: `largestSide`).
 */
function checkRedraws(e: Experiment, xKey: NumericKey, xs: number[], yKey: NumericKey, ys: number[], side: () => number): void {
  const { draws, variants, slow } = redrawCost(e, xKey, xs, yKey, ys);
  const advice = (): string => {
    const n = side();
    return n > 0 ? ` (at most ${n} × ${n} with these axes)` : '';
  };
  if (variants > 0) {
    const text = JSON.stringify(e.source ?? {});
    const [tokens, characters] = [countJsonTokens(text), text.length];
    if (tokens * variants > MAX_ANALYSIS_TOKENS) {
      throw new UsageError(`--x, --y: an axis over ${slow} checks the file again for ${eachOf(variants, 'value')}: ${formatLarge(tokens)} JSON tokens each, ${largeOverLimit(tokens * variants, MAX_ANALYSIS_TOKENS).value} in all, over the limit of ${largeOverLimit(tokens * variants, MAX_ANALYSIS_TOKENS).limit} for one analysis (docs/limits.md): use a smaller --size${advice()}${e.data.kind === 'samples' && e.data.samples.length > 1 ? ', fewer samples in the file' : ''}, or axes over ${fastAxesAdvice(e)}`);
    }
    if (rereadTooLarge(characters, variants, '', '')) {
      throw new UsageError(rereadTooLarge(characters, variants, `--x, --y: an axis over ${slow}`, `use a smaller --size${advice()}, or axes over ${fastAxesAdvice(e)}`)!);
    }
  }
  if (draws > MAX_ANALYSIS_DRAWS) {
    throw new UsageError(`--x, --y: an axis over ${slow} redraws the initial weights (width × input dimension, and the data) per value: ${formatCount(draws)} numbers in all, over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis (docs/limits.md): use a smaller --size${advice()}${e.init.kind === 'random' ? ', smaller widths' : ''}, or axes over ${fastAxesAdvice(e)}`);
  }
}

/** The numbers a diagram over these axis values draws, the file's variants it checks again, and the slow axes' keys. */
function redrawCost(e: Experiment, xKey: NumericKey, xs: number[], yKey: NumericKey, ys: number[]): { draws: number; variants: number; slow: string } {
  const fast = (path: string): boolean => (WIDTH_SCALED_PATHS as readonly string[]).includes(path) || (path === 'data.y' && e.data.kind === 'single');
  const D = inputDimension(e);
  const samples = e.data.kind === 'samples' ? e.data.samples.length : 1;
  const cost = (width: number): number => (width + samples) * D;
  const widthOf = (path: string, v: number): number | undefined => (path === 'model.width' ? v : undefined);
  let draws: number;
  let variants: number;
  if (fast(xKey.path) && fast(yKey.path)) [draws, variants] = [cost(e.model.width), 0];
  else if (fast(yKey.path)) [draws, variants] = [xs.reduce((s, v) => s + cost(widthOf(xKey.path, v) ?? e.model.width), 0), xs.length];
  else if (fast(xKey.path)) [draws, variants] = [ys.reduce((s, v) => s + cost(widthOf(yKey.path, v) ?? e.model.width), 0), ys.length];
  else [draws, variants] = [ys.reduce((s, yv) => s + xs.reduce((t, xv) => t + cost(widthOf(xKey.path, xv) ?? widthOf(yKey.path, yv) ?? e.model.width), 0), 0), xs.length * ys.length];
  const slow = [xKey, yKey].filter((k) => !fast(k.path)).map((k) => k.path).join(' and ');
  return { draws, variants, slow };
}
