/** The `"sweep"` key of an experiment file: which hyperparameter, which values (docs/mechanisms.md, "Sweeps"). */
import { SweepSpec } from './experiment';
import { countOf, formatNumber } from './diagnostic';
import { checkValue, keyNotInFile, resolveKey } from './hyperparameters';
import type { ExperimentKind } from './kind';
import { widthPowerKeyOfBase, widthPowerPartProblem } from './widthPowers';

/** A range `{ from, to, count, scale }` as written. */
export interface SweepRange {
  from: number;
  to: number;
  count: number;
  scale?: 'log' | 'linear';
}

/**
 * `count` values from `from` to `to` inclusive, evenly spaced in log (default) or linearly, exact at
 * both ends. Each value is a weighted mean of the ends, from·(1 − s) + to·s (of their logarithms
 * for a log range), never from + s·(to − from): the difference of two ends beyond ±8.99e307 is
 * beyond the 64-bit range, and the sweep of −1e308 to 1e308 must give 0 in the middle, not
 * Infinity (docs/limits.md, "Representable ranges").
 */
export function rangeValues(r: SweepRange): number[] {
  const scale = r.scale ?? 'log';
  if (r.count === 1) return [r.from];
  const [a, b] = scale === 'log' ? [Math.log10(r.from), Math.log10(r.to)] : [r.from, r.to];
  const out = new Array<number>(r.count);
  for (let k = 0; k < r.count; k++) {
    const s = k / (r.count - 1);
    // A decade exactly (parsed, not 10 to a power: Math.pow(10, -100) is 6e-14 off, which 15 digits keep),
    // the exponent as a + (b − a)·k/(n − 1), whole wherever the decades divide evenly.
    const mean = scale === 'log' ? a + ((b - a) * k) / (r.count - 1) : a * (1 - s) + b * s;
    const v = scale === 'log' ? (Number.isInteger(mean) ? Number(`1e${mean}`) : Math.pow(10, mean)) : mean;
    // 15 significant digits: decades come out as 0.01, not 0.009999999999999995 (unless rounding
    // would carry a value within 1e-15 of the largest double past it).
    const rounded = Number(v.toPrecision(15));
    out[k] = Number.isFinite(rounded) ? rounded : v;
  }
  out[0] = r.from;
  out[r.count - 1] = r.to;
  return out;
}

/**
 * Resolves a schema-valid `"sweep"` object of a file of `kind`; problems come back located by JSON
 * path, at the sweep's key or entry. With `source` (the file's plain JSON value), a key the file
 * does not have (an index past its array, the other form of its data or initialisation) is refused
 * at the sweep's key rather than when its first run is built, and a key into a width power's base
 * (`model.outputScale.base`) is the sweep of that key (`path` model.outputScale).
 */
export function resolveSweep(raw: Record<string, number[] | SweepRange>, kind: ExperimentKind = 'linear', source?: unknown): { spec?: SweepSpec; problems: { path: string; message: string }[] } {
  const [key] = Object.keys(raw);
  const where = `sweep.${key}`;
  const named = resolveKey(key, kind);
  if ('error' in named) return { problems: [{ path: where, message: `sweep: ${named.error}` }] };
  // A path into a width power's base is a sweep of the key itself (its values are the bases), named
  // and reported as one (`path`, `widthPower`): widthPowerKeyOfBase.
  const powered = source === undefined ? null : widthPowerKeyOfBase(source, named.path);
  const asKey = powered === null ? null : resolveKey(powered, kind);
  const resolved = asKey && !('error' in asKey) ? asKey : named;
  const missing = source === undefined ? null : (keyNotInFile(source, resolved.path, kind) ?? widthPowerPartProblem(source, resolved.path));
  if (missing) return { problems: [{ path: where, message: `sweep: ${missing}` }] };
  // A key of several forms (`data.train`) with the constraints of the form the file writes.
  const inFile = source === undefined ? resolved : resolveKey(resolved.path, kind, source);
  const found = 'error' in inFile ? resolved : inFile;
  const value = raw[key];
  if (!Array.isArray(value) && (value.scale ?? 'log') === 'log' && !(value.from > 0 && value.to > 0)) {
    return { problems: [{ path: where, message: `sweep.${key}: a log-spaced range needs from > 0 and to > 0 (got from = ${value.from}, to = ${value.to}); use "scale": "linear" otherwise` }] };
  }
  if (!Array.isArray(value)) {
    // A range that runs one value several times, or drops its `to`, is refused as a phase axis's is.
    if (value.from === value.to) {
      return { problems: [{ path: where, message: `sweep.${key}: a range needs two different ends, got ${formatNumber(value.from)} at both: its ${countOf(value.count, 'run')} would all have the same value (for one value, write it in the file, or a list [${formatNumber(value.from)}])` }] };
    }
    if (value.count < 2) {
      return { problems: [{ path: where, message: `sweep.${key}: a range of count ${value.count} runs only from = ${formatNumber(value.from)} and leaves out to = ${formatNumber(value.to)}: use count ≥ 2 for both ends (for one value, a list [${formatNumber(value.from)}])` }] };
    }
  }
  let values = Array.isArray(value) ? value.slice() : rangeValues(value);
  // A range over an integer key (width, seed) is rounded; so is one over time.end when the file's runs
  // are gradient descent, where time.end counts steps. Values that round alike are refused, saying how
  // many whole numbers the range holds (until 2026-12-03 they were dropped without a word: a count of 3
  // ran 2 values).
  if ((found.integer || (found.path === 'time.end' && countsSteps(source))) && !Array.isArray(value)) {
    values = values.map(Math.round);
    const distinct = values.filter((v, i, all) => i === 0 || v !== all[i - 1]);
    if (distinct.length < values.length) {
      const shown = distinct.length <= 6 ? distinct.map(formatNumber).join(', ') : `${distinct.slice(0, 3).map(formatNumber).join(', ')}, …, ${formatNumber(distinct[distinct.length - 1])}`;
      const what = found.path === 'time.end' ? 'whole steps' : 'whole numbers';
      return { problems: [{ path: where, message: `sweep.${key}: ${found.path} takes ${what}, and the range's ${countOf(value.count, 'value')} round to ${distinct.length} distinct (${shown}): ${countOf(value.count - distinct.length, 'value')} would repeat another; use fewer values (the range holds ${distinct.length} of its whole numbers), ends further apart, or a list of whole numbers` }] };
    }
  }
  const problems: { path: string; message: string }[] = [];
  // Every refused value of a list at its own entry; a range's, which share one key, as its first and how
  // many more (until 2026-12-03 a list said its first refused value only, and a fix of it met the next).
  const refused = values.flatMap((v, i) => {
    const bad = checkValue(found, v);
    return bad ? [{ i, bad }] : [];
  });
  if (Array.isArray(value)) for (const { i, bad } of refused) problems.push({ path: `${where}[${i}]`, message: `sweep value ${i}: ${bad}` });
  else if (refused.length > 0) problems.push({ path: where, message: `sweep value ${refused[0].i}: ${refused[0].bad}${refused.length > 1 ? ` (and ${countOf(refused.length - 1, 'more value')} of the range)` : ''}` });
  // A value swept twice would train twice into one checkpoint folder and print two identical rows:
  // each repeat is refused at its own entry (a range's, which share one key, as its first).
  const repeats = repeatsBy(values, (v) => v);
  if (Array.isArray(value)) for (const { i, j } of repeats) problems.push({ path: `${where}[${i}]`, message: `sweep value ${i}: ${formatNumber(values[i])} repeats value ${j} (${formatNumber(values[j])}, the same number): each value runs once; remove the repeat` });
  else if (repeats.length > 0) problems.push({ path: where, message: `sweep value ${repeats[0].i}: ${formatNumber(values[repeats[0].i])} repeats value ${repeats[0].j} of the range (its ends are too close for ${countOf(value.count, 'value')} at 15 significant digits): use fewer values or ends further apart` });
  // A network trains in float32 (docs/networks.md, "Float32 range"): two values that float32 makes one
  // number train the same run twice, byte for byte, into two checkpoint folders (0.001 and 0.00100000001
  // as learning rates: a breaker's finding, 2026-12-03). Refused as repeats are. Not `training.epochs`,
  // which counts steps, nor whole-number keys, which float32 holds exactly up to 2²⁴.
  if (kind === 'network' && !found.integer && found.path !== 'training.epochs' && repeats.length === 0) {
    // A value float32 makes 0 or ±∞ is refused for that, at its run (float32Problems): not called a repeat.
    const same = repeatsBy(values, (v) => {
      const f = Math.fround(v);
      return (f === 0 && v !== 0) || !Number.isFinite(f) ? null : f;
    });
    const as32 = (i: number) => formatNumber(Math.fround(values[i]));
    const said = (i: number, j: number) => `sweep value ${i}: ${formatNumber(values[i])} is value ${j} (${formatNumber(values[j])}) in float32, ${as32(i)}, which the network trains in: the two would be the same run`;
    if (Array.isArray(value)) for (const { i, j } of same) problems.push({ path: `${where}[${i}]`, message: `${said(i, j)}; remove one, or give values further apart` });
    else if (same.length > 0) problems.push({ path: where, message: `${said(same[0].i, same[0].j)}${same.length > 1 ? ` (and ${countOf(same.length - 1, 'more value')} of the range)` : ''}: use fewer values or ends further apart` });
  }
  if (problems.length > 0) return { problems };
  return { spec: { key, path: found.path, values }, problems };
}

/**
 * The repeats among `values` by `key`: each value i whose key an earlier value j had, as {i, j} with j
 * the first of that key; a null key is never a repeat.
 */
function repeatsBy(values: readonly number[], key: (v: number) => number | null): { i: number; j: number }[] {
  const firstAt = new Map<number, number>();
  const repeats: { i: number; j: number }[] = [];
  values.forEach((v, i) => {
    const k = key(v);
    if (k === null) return;
    const j = firstAt.get(k);
    if (j === undefined) firstAt.set(k, i);
    else repeats.push({ i, j });
  });
  return repeats;
}

/**
 * Whether the runs of a linear-model file (its plain JSON value) are gradient descent, whose time is
 * counted in whole steps: a nonlinear `model.activation` (docs/finite-rates.md); the flow of the
 * linear activation runs in continuous time.
 */
function countsSteps(source: unknown): boolean {
  const model = (source as { model?: { activation?: unknown } } | undefined)?.model;
  return typeof model?.activation === 'string' && model.activation !== 'linear';
}
