/**
 * The phase panel's axes, chosen on the host (no vscode import; unit-tested): which keys of an
 * experiment can be an axis and their default ranges, and ranges as the user types them.
 */
import { axisCurrent, axisWidthPower, type AxisWidthPower } from '../../core/analysis/phase/phaseDiagram';
import { axisShort, widthPowered } from '../../core/analysis/phase/phaseStyle';
import { numericKeys, resolveKey } from '../../core/experiment/hyperparameters';
import { widthPowerFormula } from '../../core/experiment/widthFormula';
import { formatSignificant } from '../../core/mechanisms/explain';
import { parseExperiment, parseJsonText } from '../../core/experiment/parse';
import { experimentKind, type ExperimentKind } from '../../core/experiment/kind';
import type { PhaseAxisSpec } from '../../protocol/phase';
import { zeroWidthAxis } from '../../core/analysis/phase/phaseDiagram';

/** A key that can be an axis, with the experiment's value and a sensible default range. */
export interface AxisCandidate {
  path: string;
  current: number | null;
  integer: boolean;
  range: PhaseAxisSpec;
  /** Changing it costs nothing per cell (the random draws are shared); other keys redraw per row or column. */
  fast: boolean;
  /** A width power in the file: `current` and the range are bases b, and the cells compute with b·d^exponent (null otherwise). */
  widthPower: AxisWidthPower | null;
}

/**
 * What the axis picker says of a candidate's value: `now 0.1`, `not in the file`, or for a width power
 * the base and the value it gives at the file's width, `now base 1 (γ = 1·d^(−1/2) = 0.03125 at d = 1024)`.
 */
export function candidateNow(c: AxisCandidate): string {
  if (c.current === null) return 'not in the file';
  const p = c.widthPower;
  if (!p) return `now ${c.current}`;
  const value = formatSignificant(widthPowered(c.current, p, p.width), 6);
  return `now base ${c.current} (${widthPowerFormula(axisShort(c.path), p.exponent, String(c.current))} = ${value} at d = ${p.width})`;
}

/** What the picker says the range of a width-powered candidate is of: ` — the base b of γ = b·d^(−1/2)`, or ''. */
export function candidateRangeOf(c: AxisCandidate): string {
  return c.widthPower ? ` — the base b of ${widthPowerFormula(axisShort(c.path), c.widthPower.exponent)}` : '';
}

/** Keys that never make a useful axis: the run's reporting grid does not change the t → ∞ scores, the seed is not a scale. */
const NOT_AXES = [/^time\./, /^init\.seed$/, /^weightDecay$/];

const FAST = new Set(['model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y']);

/** The two axes offered first, in this order (the paper's phase diagram). */
const PREFERRED = ['model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'data.y', 'model.width'];

/** Default range of an axis around the experiment's value: three decades either side on a log axis. */
export function defaultRange(path: string, current: number | null, integer: boolean): PhaseAxisSpec {
  if (path === 'data.y') {
    const a = Math.max(1, Math.abs(current ?? 1));
    return { key: path, from: -2 * a, to: 2 * a, scale: 'linear' };
  }
  if (integer) {
    const c = current && current >= 1 ? current : 100;
    return { key: path, from: Math.max(1, Math.round(c / 100)), to: Math.min(100_000, Math.max(2, Math.round(c * 100))), scale: 'log' };
  }
  if (current !== null && current > 0) return { key: path, from: tidy(current * 1e-3), to: tidy(current * 1e3), scale: 'log' };
  return { key: path, from: 1e-4, to: 10, scale: 'log' };
}

function tidy(x: number): number {
  return Number(x.toPrecision(6));
}

/**
 * The kind of experiment a file's text is, as Open Phase Diagram reads it (`experimentKind`): the
 * linear model's when the text is no JSON object of another kind (an invalid file is told its errors).
 */
export function kindOfText(text: string): ExperimentKind {
  const { tree } = parseJsonText(text);
  return tree ? experimentKind(tree) : 'linear';
}

/**
 * Why Open Phase Diagram cannot map this file (null when it can): a phase diagram maps the two-layer
 * linear model's mechanisms, so a network or checkpoint experiment is told that (it was told it was
 * "not a valid experiment yet"), and a linear one needs two numeric hyperparameters and no errors.
 */
export function phaseDiagramRefusal(text: string, fileName: string): string | null {
  const kind = kindOfText(text);
  if (kind !== 'linear') {
    const what = kind === 'network' ? 'a network experiment' : 'a checkpoint experiment';
    return `${fileName} is ${what}: a phase diagram maps the two-layer linear model's mechanisms over two of its hyperparameters. For a network, sweep a key ("sweep" in the file) and read its training panel's summary views.`;
  }
  return axisCandidates(text).length < 2 ? `${fileName} is not a valid experiment yet (or has fewer than two numeric hyperparameters): fix it first.` : null;
}

/** The keys of this experiment that can be an axis (preferred ones first); [] when the text is not an experiment. */
export function axisCandidates(text: string): AxisCandidate[] {
  const { experiment } = parseExperiment(text);
  if (!experiment) return [];
  const explicit = experiment.init.kind === 'explicit';
  const single = experiment.data.kind === 'single';
  const out: AxisCandidate[] = [];
  for (const k of numericKeys()) {
    if (NOT_AXES.some((re) => re.test(k.path))) continue;
    if (explicit && (k.path === 'init.scaleU' || k.path === 'init.scaleW')) continue;
    if (!single && k.path === 'data.y') continue;
    // As the cells take values: the base of a width power, 1 for a left-out outputScale (axisCurrent).
    const current = axisCurrent(experiment, k.path);
    // Keys the experiment does not have (and whose absence is not a default) stay out of the list.
    if (current === null && !FAST.has(k.path) && k.path !== 'model.width') continue;
    out.push({ path: k.path, current, integer: k.integer, range: defaultRange(k.path, current, k.integer), fast: FAST.has(k.path), widthPower: axisWidthPower(experiment, k.path) });
  }
  const rank = (p: string) => (PREFERRED.includes(p) ? PREFERRED.indexOf(p) : PREFERRED.length);
  return out.sort((a, b) => rank(a.path) - rank(b.path));
}

/**
 * A typed range: `FROM:TO`, optionally followed by `log` or `linear` (default `log`, or linear when
 * an end is ≤ 0). Returns the axis or an error message for the input box. An axis without width is
 * refused as `flab phase` refuses it (`zeroWidthAxis`), named by its key and the range as typed
 * (`model.width = 1.5:2.49: a phase axis needs a range, and this key takes whole numbers: 1.5 and 2.49
 * both round to 2, …`): equal ends, or for a whole-number key (`model.width`, `init.seed`,
 * `time.points`) ends that round to one number — every column (row) of the panel's grid, of at least
 * two cells, would be that one value. Until 2026-12-03 the box refused only equal ends and took
 * `1.5:2.49` for a width axis; the diagram refused it only once opened.
 */
export function parseRange(key: string, text: string): PhaseAxisSpec | { error: string } {
  const m = /^\s*([^:\s]+)\s*:\s*([^:\s]+)\s*(log|linear)?\s*$/i.exec(text);
  if (!m) return { error: 'Write FROM:TO, e.g. 1e-3:1e3 (add "linear" for a linear axis)' };
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { error: 'FROM and TO must be numbers' };
  const k = resolveKey(key);
  if ('error' in k) return { error: k.error };
  const zeroWidth = zeroWidthAxis(from, to, k.integer);
  if (zeroWidth) return { error: `${k.path} = ${m[1]}:${m[2]}: ${zeroWidth}` };
  const scale = (m[3]?.toLowerCase() as 'log' | 'linear' | undefined) ?? (from > 0 && to > 0 ? 'log' : 'linear');
  if (scale === 'log' && !(from > 0 && to > 0)) return { error: 'A log axis needs FROM > 0 and TO > 0 (add "linear" otherwise)' };
  return { key: k.path, from, to, scale };
}

/** `KEY=FROM:TO [log|linear]` → an axis (the command's argument form, as `flab phase --x`). */
export function parseAxisArgument(spec: string): PhaseAxisSpec | { error: string } {
  const eq = spec.indexOf('=');
  if (eq <= 0) return { error: `expected KEY=FROM:TO, got \`${spec}\`` };
  return parseRange(spec.slice(0, eq).trim(), spec.slice(eq + 1));
}

/** `FROM:TO` (and ` linear` when linear), as the input box shows a range. */
export function formatRange(a: PhaseAxisSpec): string {
  return `${a.from}:${a.to}${a.scale === 'linear' ? ' linear' : ''}`;
}
