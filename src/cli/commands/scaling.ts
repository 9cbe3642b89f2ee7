/**
 * `flab scaling FILE`: each score's median over seeds at widths over decades, with fitted and
 * analytic exponents (docs/mechanisms.md, "Width scaling"). The widths and seeds are checked
 * before the file is read, and their total draws before any run (docs/limits.md).
 */
import { WIDTH_SCAN_SCORES, WidthScanResult, widthScan } from '../../core/analysis/widthScan';
import { countOf, excerpt, formatCount } from '../../core/experiment/diagnostic';
import { ExperimentError } from '../../core/experiment/errors';
import { inputDimension } from '../../core/experiment/experiment';
import { resolveKey } from '../../core/experiment/hyperparameters';
import { MAX_PARAMETERS } from '../../core/experiment/limits';
import { seedAfter } from '../../core/math/rng';
import { Command, fileKindFirst, printed, UsageError } from '../command';
import { MAX_ANALYSIS_DRAWS, MAX_ANALYSIS_TOKENS, MAX_SCAN_SEEDS, MAX_SCAN_WIDTHS, rereadTooLarge } from '../limits';
import { countJsonTokens } from '../../core/experiment/parse';
import { csvNumber, formatLarge, largeOverLimit } from '../output';

const DEFAULT_WIDTHS = '64:65536';
const DEFAULT_SEEDS = 5;

/** The largest width the format allows (the schema's maximum of model.width). */
const MAX_WIDTH = (() => {
  const key = resolveKey('model.width');
  return 'error' in key || key.maximum === undefined ? 1e7 : key.maximum;
})();

export const scalingCommand: Command = {
  name: 'scaling',
  summary: 'each score\'s median over seeds at widths over decades, fitted and analytic exponents',
  help: `--widths FROM:TO takes the powers of two from FROM to TO (ends included), FROM:TO:COUNT takes COUNT
widths evenly in log (rounded; a COUNT whose widths round alike is refused), and a list takes those widths: at most ${MAX_SCAN_WIDTHS} widths,
each from 1 to ${formatCount(MAX_WIDTH)}; width × input dimension at most ${formatCount(MAX_PARAMETERS)} per run and
${formatCount(MAX_ANALYSIS_DRAWS)} over all widths and seeds (docs/limits.md). --json prints widths, seeds, scores
(medians of |score| over seeds), fitted exponents and their standard errors (fittedError), analytic exponents,
exponents and phase, offAnalytic (the scores whose fit is off the analytic exponent by more than 0.15 and 3
standard errors) and note (null, or where the scan contradicts the d → ∞ statements and why: widths short of
d → ∞, or a fixed end with classify.at "end" that cuts the runs short; also printed on stderr). A width listed twice is refused.`,
  operands: ['FILE'],
  options: [
    { flag: '--widths', value: 'FROM:TO|FROM:TO:COUNT|W,W,…', help: `the widths (default ${DEFAULT_WIDTHS})` },
    { flag: '--seeds', value: 'N', help: `runs per width, with init.seed, init.seed + 1, … (on from 0 past the largest seed; default ${DEFAULT_SEEDS}, at most ${MAX_SCAN_SEEDS})` },
    { flag: '--json', group: 'format', help: 'one JSON object (the default)' },
    { flag: '--csv', group: 'format', help: 'one row per width, then the fitted and analytic exponents' },
  ],
  run(args, context) {
    const { widths, seeds } = fileKindFirst(args.operands[0], context, () => ({ widths: parseWidths(args.value('--widths') ?? DEFAULT_WIDTHS), seeds: parseSeeds(args.value('--seeds')) }));
    const experiment = context.load(args.operands[0]);
    const D = inputDimension(experiment);
    const samples = experiment.data.kind === 'samples' ? experiment.data.samples.length : 1;
    const widest = Math.max(...widths);
    if (widest * D > MAX_PARAMETERS) {
      throw new UsageError(`--widths: width ${formatCount(widest)} × input dimension ${D} = ${formatCount(widest * D)} weights, over the limit of ${formatCount(MAX_PARAMETERS)} for one run (docs/limits.md): use widths up to ${formatCount(Math.floor(MAX_PARAMETERS / D))}`);
    }
    const draws = seeds * widths.reduce((s, d) => s + (d + samples) * D, 0);
    if (draws > MAX_ANALYSIS_DRAWS) {
      throw new UsageError(`--widths, --seeds: ${countOf(seeds, 'seed')} × the widths' weights (width × input dimension, and the data) = ${formatCount(draws)} numbers drawn, over the limit of ${formatCount(MAX_ANALYSIS_DRAWS)} for one analysis (docs/limits.md): use fewer seeds or smaller widths`);
    }
    // Each width, then each seed at it, is written into the file's value and the file checked again.
    const variants = widths.length * (1 + seeds);
    const text = JSON.stringify(experiment.source ?? {});
    const tokens = countJsonTokens(text);
    if (tokens * variants > MAX_ANALYSIS_TOKENS) {
      throw new UsageError(`--widths, --seeds: the scan checks the file again for each width and each seed (${formatCount(variants)} times): ${formatLarge(tokens)} JSON tokens each, ${largeOverLimit(tokens * variants, MAX_ANALYSIS_TOKENS).value} in all, over the limit of ${largeOverLimit(tokens * variants, MAX_ANALYSIS_TOKENS).limit} for one analysis (docs/limits.md): use fewer widths or seeds${samples > 1 ? ', or fewer samples in the file' : ''}`);
    }
    const reread = rereadTooLarge(text.length, variants, '--widths, --seeds: the scan', 'use fewer widths or seeds');
    if (reread) throw new UsageError(reread);
    let done = 0;
    let r: WidthScanResult;
    try {
      r = widthScan(experiment, widths, seeds, (runsDone, runs) => {
        done = runsDone;
        context.progress.update(runsDone, runs, 'runs');
      });
    } catch (e) {
      // A run refused at a width or seed that the flags chose: say which, and blame the flag when the run blames that key.
      if (!(e instanceof ExperimentError) || done >= widths.length * seeds) throw e;
      const width = widths[Math.floor(done / seeds)];
      const seed = experiment.init.kind === 'random' ? seedAfter(experiment.init.seed, done % seeds) : undefined;
      const at = `at width ${width}${seed === undefined ? '' : `, seed ${seed}`}: ${e.message}`;
      if (e.path === 'model.width') throw new UsageError(`--widths: ${at}`);
      if (e.path === 'init.seed') throw new UsageError(`--seeds: ${at}`);
      throw new ExperimentError(`scan run ${at}`, e.path);
    }
    // The note goes to stderr too, so that a CSV reader sees it beside the table.
    return { ...printed(args.choice('format', 'json') === 'csv' ? scalingCsv(r) : JSON.stringify(r) + '\n'), stderr: r.note === null ? '' : `flab: note: ${r.note}\n` };
  },
};

/**
 * `--widths`: `FROM:TO` (powers of two in between, ends included), `FROM:TO:COUNT` (COUNT widths
 * evenly in log, rounded; widths that round alike are refused) or a comma-separated list; each a whole number from 1
 * to MAX_WIDTH, at most MAX_SCAN_WIDTHS of them — all checked before any width is made.
 */
export function parseWidths(spec: string): number[] {
  const bad = (why: string): UsageError => new UsageError(`--widths ${excerpt(spec)}: ${why}`);
  const whole = (text: string): number => {
    if (!/^\d+$/.test(text.trim())) throw bad('expected FROM:TO, FROM:TO:COUNT or a list of whole numbers ≥ 1');
    const v = Number(text.trim());
    if (!(v >= 1 && v <= MAX_WIDTH)) throw bad(`each width must be a whole number from 1 to ${formatCount(MAX_WIDTH)} (model.width's range), got ${excerpt(text.trim())}`);
    return v;
  };
  const parts = spec.split(':');
  if (parts.length === 2 || parts.length === 3) {
    const from = whole(parts[0]);
    const to = whole(parts[1]);
    if (from > to) throw bad('need FROM ≤ TO');
    if (parts.length === 3) {
      if (!/^\d+$/.test(parts[2].trim())) throw bad('COUNT must be a whole number');
      const count = Number(parts[2].trim());
      if (!(count >= 2 && count <= MAX_SCAN_WIDTHS)) throw bad(`COUNT must be from 2 to ${MAX_SCAN_WIDTHS}, got ${excerpt(parts[2].trim())}`);
      const out = Array.from({ length: count }, (_, k) => Math.round(from * Math.pow(to / from, k / (count - 1))));
      // Widths that round alike are refused, as a listed repeat is (until 2026-12-03 dropped without a word: 2:3:5 ran 2 widths).
      const distinct = out.filter((v, i) => i === 0 || v !== out[i - 1]);
      if (distinct.length < count) {
        const shown = distinct.length <= 6 ? distinct.join(', ') : `${distinct.slice(0, 3).join(', ')}, …, ${distinct[distinct.length - 1]}`;
        throw bad(`the ${count} widths evenly in log from ${from} to ${to} round to ${distinct.length} distinct whole numbers (${shown}): ${count - distinct.length} would repeat another; use COUNT at most ${distinct.length}, ends further apart, or a list of widths`);
      }
      return out;
    }
    const out: number[] = [];
    for (let d = from; d < to; d *= 2) out.push(d);
    out.push(to);
    if (out.length > MAX_SCAN_WIDTHS) throw bad(`${out.length} widths, over the limit of ${MAX_SCAN_WIDTHS}`);
    return out;
  }
  if (parts.length !== 1) throw bad('expected FROM:TO, FROM:TO:COUNT or a list of whole numbers ≥ 1');
  const items = spec.split(',');
  if (items.length > MAX_SCAN_WIDTHS) throw bad(`${items.length} widths, over the limit of ${MAX_SCAN_WIDTHS}`);
  const widths = items.map(whole);
  // A repeated width would count twice in the fit of the exponents.
  const repeated = widths.findIndex((w, i) => widths.indexOf(w) !== i);
  if (repeated >= 0) throw bad(`width ${widths[repeated]} is listed twice (entries ${widths.indexOf(widths[repeated]) + 1} and ${repeated + 1}); each width once, or the fit counts it twice`);
  return widths;
}

function parseSeeds(spec: string | undefined): number {
  if (spec === undefined) return DEFAULT_SEEDS;
  const seeds = /^\d+$/.test(spec.trim()) ? Number(spec.trim()) : NaN;
  if (!(seeds >= 1 && seeds <= MAX_SCAN_SEEDS)) throw new UsageError(`--seeds must be a whole number from 1 to ${MAX_SCAN_SEEDS}, got \`${excerpt(spec)}\``);
  return seeds;
}

function scalingCsv(r: WidthScanResult): string {
  const lines = [['width', ...WIDTH_SCAN_SCORES].join(',')];
  r.widths.forEach((d, i) => lines.push([d, ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.scores[n][i]))].join(',')));
  lines.push(['fitted', ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.fitted[n]))].join(','));
  lines.push(['analytic', ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.analytic[n]))].join(','));
  return lines.join('\n') + '\n';
}
