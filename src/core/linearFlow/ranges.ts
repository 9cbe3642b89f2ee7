/**
 * Representable ranges (docs/limits.md, "Representable ranges"). The exact flow is computed in the
 * pair's unit with every scale in logarithms, so each printed number is computed whenever it is itself
 * a 64-bit number. When one is not (a loss of 1e600, a horizon of 1e400 time units), the run is refused
 * with the field to blame, its value, and the values of that field that work with the others as they
 * are — found in O(1) per trial by rebuilding the flow from its spec with that one value changed.
 */
import { formatLn, formatNumber, lnOverLimit } from '../experiment/diagnostic';
import { ExperimentError } from '../experiment/errors';
import { Experiment } from '../experiment/experiment';
import { logAddExp, logSubExp } from '../math/logDomain';
import { ExactFlow } from './exactFlow';
import { exactScoreLogs, type ScoreLogs } from './exactScores';
import { defaultHorizonLn, plateauTimeLn } from './horizon';
import { FlowSpec, flowOfSpec } from './reduce';
import { LayerSums, Scale } from './plane';

/** ln of the largest 64-bit number (≈ 709.78): a printed number must have a logarithm below it. */
export const LN_MAX = Math.log(Number.MAX_VALUE);

/** A size the output prints, as a logarithm (never overflows), and what it is in words. */
export interface Magnitude {
  name: string;
  what: string;
  ln: number;
  /** Printed by gradient descent too (its first step and summary), not only by the exact flow. */
  initial?: boolean;
}

/** What the magnitudes of an exact run include beyond the series' ends and the scores. */
export interface MagnitudeOptions {
  /** The default horizon is computed (no time.end). */
  horizon: boolean;
  /** Weight decay ρ > 0: the objective adds ½ρ(|u|² + ‖W‖²). */
  weightDecay: number;
  /**
   * ln T of a run that ends at T — gradient descent's last reported step, step k at t = k — whose
   * end and scores are the flow's at T as the proxy of the run's (docs/limits.md, "Representable
   * ranges"); default ∞, the exact flow's own end.
   */
  lnEnd?: number;
  /** With a finite `lnEnd`: the run prints the flow's limit t → ∞ too (the exact solver's summary), so its sizes count. */
  limit?: boolean;
}

/** ln|a − b| for finite or infinite a and b given as logarithms of their magnitudes and their signs. */
function lnDifference(sa: number, lnA: number, sb: number, lnB: number): number {
  if (lnA === -Infinity) return lnB;
  if (lnB === -Infinity) return lnA;
  if (sa !== sb) return logAddExp(lnA, lnB);
  if (lnA === lnB) return -Infinity;
  return logSubExp(Math.max(lnA, lnB), Math.min(lnA, lnB));
}

/**
 * Every size an exact run prints, as logarithms: the ends of the series, the summary and the scores.
 * `logs`: the scores' logarithms over the same span when the caller has them (`exactScoreLogs(flow,
 * lnTheta0, o.lnEnd)`), so that they are not computed twice.
 */
export function exactMagnitudes(flow: ExactFlow, lnTheta0: number, o: MagnitudeOptions, logs: ScoreLogs = exactScoreLogs(flow, lnTheta0, o.lnEnd ?? Infinity).logs): Magnitude[] {
  const { input } = flow;
  const { plane } = input;
  const lnEnd = o.lnEnd ?? Infinity;
  const atInfinity = lnEnd === Infinity;
  const start = flow.logPointAt(-Infinity);
  const end = atInfinity ? flow.limitLog() : flow.logPointAt(lnEnd);
  const lnOutput0 = input.lnLambda + 2 * plane.k * Math.LN2 + Math.log(Math.abs(plane.uv));
  const lnY = Math.log(Math.abs(input.y));
  const lnR0 = lnDifference(Math.sign(plane.uv), lnOutput0, Math.sign(input.y), lnY);
  const lnLoss0 = logAddExp(2 * lnR0 - Math.LN2, Math.log(input.irreducibleLoss));
  const at = atInfinity ? '∞' : 'T';
  const out: Magnitude[] = [
    { name: 'lambda', initial: true, what: 'λ = γ·ā·√(η_u η_W)', ln: input.lnLambda },
    { name: 'output', initial: true, what: 'the initial output f₀ = γ·uᵀW x', ln: lnOutput0 },
    { name: 'loss', initial: true, what: 'the initial loss ½(f₀ − y)²', ln: lnLoss0 },
    { name: 'irreducibleLoss', initial: true, what: 'the irreducible loss of the data', ln: Math.log(input.irreducibleLoss) },
    { name: 'ntk', initial: true, what: 'the initial tangent kernel K₀ = γ²ā²(η_u|Wn|² + η_W|u|²)', ln: flow.lnNtkInitial },
    { name: 'ntk', what: `the final tangent kernel K(${at})`, ln: end.lnNtk },
    { name: 'normU', initial: true, what: 'the initial |u|', ln: start.lnNormU },
    { name: 'normU', what: 'the final |u|', ln: end.lnNormU },
    { name: 'normW', initial: true, what: 'the initial ‖W‖', ln: start.lnNormW },
    { name: 'normW', what: 'the final ‖W‖', ln: end.lnNormW },
    { name: 'omega', initial: true, what: 'the rate ω = λ√(4y² + λ²PQ)', ln: flow.lnOmega },
    { name: 'kernelChange', what: `kernelChange = |K(${at})/K(0) − 1| (how many times the tangent kernel grows)`, ln: logs.lnKernelChange },
    { name: 'tangentChange', what: 'tangentChange (how far the tangent features move)', ln: logs.lnTangentChange },
    { name: 'distance', what: `the distance from initialisation ‖θ(${at}) − θ₀‖/‖θ₀‖`, ln: logs.lnDistance },
  ];
  if (!atInfinity && o.limit) {
    const limit = flow.limitLog();
    out.push(
      { name: 'ntk', what: 'the limit of the tangent kernel K(∞)', ln: limit.lnNtk },
      { name: 'normU', what: 'the limit of |u| (t → ∞)', ln: limit.lnNormU },
      { name: 'normW', what: 'the limit of ‖W‖ (t → ∞)', ln: limit.lnNormW },
    );
  }
  if (o.weightDecay > 0) {
    // ln(½ρ) as ln ρ − ln 2: half of ρ = 5e-324 rounds to 0.
    const lnPenalty = Math.log(o.weightDecay) - Math.LN2 + 2 * Math.max(start.lnNormU, start.lnNormW);
    out.push({ name: 'objective', what: 'the initial objective ½(f₀ − y)² + ½ρ(|u|² + ‖W‖²)', ln: logAddExp(lnLoss0, lnPenalty) });
  }
  if (o.horizon) out.push({ name: 'horizon', what: 'the default horizon (the time the residual takes to come within 10⁻³ of its limit)', ln: defaultHorizonLn(flow) });
  const plateau = atInfinity ? plateauTimeLn(flow, flow.limit(), end.lnNtk) : null;
  if (plateau !== null) out.push({ name: 'plateauTime', what: 'the plateau time (the time the residual takes to halve)', ln: plateau });
  return out;
}

/**
 * A printed size must be below this logarithm: the largest 64-bit number with a margin of 16, so that
 * the few sums and grid points formed from it stay finite (docs/limits.md: sizes up to about 1e307).
 */
export const LN_LIMIT = LN_MAX - Math.log(16);

/** The first magnitude beyond the limit, or null. */
export function firstOverflow(ms: readonly Magnitude[]): Magnitude | null {
  return ms.find((m) => !(m.ln < LN_LIMIT)) ?? null;
}

/**
 * An upper bound of horizon·ω, the default horizon in units of the flow's rate ω: the plateau lasts
 * at most a few thousand e-folds of ω (the logarithms of the sizes are bounded) and the approach to
 * the limit a few more. Measured: at most 2.1·10³ over 40,000 runs with every value log-uniform over
 * its extreme range (test/unit/linearFlow/ranges.test.ts); the bound keeps a factor of 50.
 */
export const HORIZON_OMEGA_BOUND = 1e5;

/**
 * Whether an exact run would print a size beyond 64 bits: `firstOverflow(exactMagnitudes(…)) !==
 * null`, without the default horizon's search (≈ 25 µs) where horizon ≤ HORIZON_OMEGA_BOUND/ω is
 * already within range. For the phase diagram's cells, which need the verdict, not the message.
 */
export function beyondRange(flow: ExactFlow, lnTheta0: number, o: MagnitudeOptions, logs?: ScoreLogs): boolean {
  const safeHorizon = o.horizon && Math.log(HORIZON_OMEGA_BOUND) - flow.lnOmega < LN_LIMIT;
  return firstOverflow(exactMagnitudes(flow, lnTheta0, safeHorizon ? { ...o, horizon: false } : o, logs)) !== null;
}

/** A hyperparameter of the experiment that scales one part of the spec. */
interface Field {
  path: string;
  /** How the value is named in the message (`init.u` is an array: its largest entry). */
  label: string;
  /** ln of its value (a size: |x|, the largest |u_i|, …). */
  lnValue: number;
  /** The value as the file gives it (a key's own number, the largest entry of an array), for echoing; absent for derived sizes (|x|, ā). */
  written?: number;
  /** The spec with this value multiplied by e^d. */
  scaled(spec: FlowSpec, d: number): FlowSpec;
}

/** s·e^d, keeping the mantissa near the old one. */
function timesExp(s: Scale, d: number): Scale {
  const k = Math.round(d / Math.LN2);
  return { m: s.m * Math.exp(d - k * Math.LN2), e: s.e + k };
}

function withSums(spec: FlowSpec, sums: Partial<LayerSums>): FlowSpec {
  return { ...spec, sums: { ...spec.sums, ...sums } };
}

const lnMaxAbs = (xs: readonly number[]): number => Math.log(maxAbs(xs));
const maxAbs = (xs: readonly number[]): number => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** A hyperparameter written as a power of the width: its value is base·d^exponent (widthPowers.ts), so the remedy is a base. */
function widthPowered(e: Experiment, field: Field): { path: string; label: string; note: string; base: number; lnBase: number } | null {
  const power = e.widthScaling?.[field.path];
  if (!power || !(power.base > 0)) return null;
  // `{ widthExponent, base }` in the file: the base is its own key; a plain number under a parameterisation is the base itself.
  const node = e.source !== null && typeof e.source === 'object' ? field.path.split('.').reduce<unknown>((n, k) => (n !== null && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), e.source) : undefined;
  const isObject = node !== null && typeof node === 'object';
  const path = isObject ? `${field.path}.base` : field.path;
  const baseGiven = isObject && (node as { base?: unknown }).base !== undefined;
  const note = isObject ? (baseGiven ? '' : ' (omitted: 1)') : ` (the base b of ${field.path} = b·d^${formatNumber(power.exponent)} under the parameterisation)`;
  return { path: isObject && !baseGiven ? field.path : path, label: path, note, base: power.base, lnBase: Math.log(power.base) };
}

/** A field's value in a message: the number as the file has it (5e-324, not 4.9e-324), or its size to two digits. */
function echo(field: Field): string {
  return field.written !== undefined ? formatWritten(field.written) : formatLn(field.lnValue);
}

/** A number of the file as the user writes it: its shortest round-trip form, 1e300 rather than 1e+300. */
function formatWritten(x: number): string {
  return formatNumber(x).replace('e+', 'e');
}

/** The fields an exact run's sizes depend on, with their values, for this experiment's form. */
function fieldsOf(e: Experiment, spec: FlowSpec): Field[] {
  const single = e.data.kind === 'single';
  const random = e.init.kind === 'random';
  return [
    { path: 'model.outputScale', label: 'model.outputScale', lnValue: Math.log(e.model.outputScale), written: e.model.outputScale, scaled: (s, d) => ({ ...s, gamma: s.gamma * Math.exp(d) }) },
    {
      path: single ? 'data.x' : 'data.samples',
      label: single ? 'data.x (its length |x|)' : 'the inputs of data.samples (their size ā)',
      lnValue: spec.sample.lnAbar,
      // One nonzero input: its length is that entry, as written.
      written: e.data.kind === 'single' && e.data.x.filter((v) => v !== 0).length === 1 ? maxAbs(e.data.x) : undefined,
      scaled: (s, d) => ({ ...s, sample: { ...s.sample, abar: s.sample.abar * Math.exp(d), lnAbar: s.sample.lnAbar + d } }),
    },
    {
      path: single ? 'data.y' : 'data.samples',
      label: single ? 'data.y (its size |y|)' : 'the targets of data.samples (their largest |y|)',
      lnValue: e.data.kind === 'single' ? Math.log(Math.abs(e.data.y)) : lnMaxAbs(e.data.samples.map((x) => x.y)),
      written: e.data.kind === 'single' ? e.data.y : undefined,
      scaled: (s, d) => ({ ...s, sample: { ...s.sample, y: s.sample.y * Math.exp(d), irreducibleLoss: s.sample.irreducibleLoss * Math.exp(2 * d) } }),
    },
    {
      path: random ? 'init.scaleU' : 'init.u',
      label: random ? 'init.scaleU' : 'init.u (its largest |u_i|)',
      lnValue: e.init.kind === 'random' ? Math.log(e.init.scaleU) : lnMaxAbs(e.init.u),
      written: e.init.kind === 'random' ? e.init.scaleU : maxAbs(e.init.u),
      scaled: (s, d) => ({ ...withSums(s, { sU: timesExp(s.sums.sU, d) }), lnU2: s.lnU2 + 2 * d }),
    },
    {
      path: random ? 'init.scaleW' : 'init.W',
      label: random ? 'init.scaleW' : 'init.W (its largest |W_ij|)',
      lnValue: e.init.kind === 'random' ? Math.log(e.init.scaleW) : lnMaxAbs(e.init.W.flat()),
      written: e.init.kind === 'random' ? e.init.scaleW : maxAbs(e.init.W.flat()),
      scaled: (s, d) => ({ ...withSums(s, { sV: timesExp(s.sums.sV, d) }), lnW2: s.lnW2 + 2 * d, lnPerp2: s.lnPerp2 + 2 * d }),
    },
    { path: 'learningRates.u', label: 'learningRates.u', lnValue: Math.log(e.learningRates.u), written: e.learningRates.u, scaled: (s, d) => ({ ...s, etaU: s.etaU * Math.exp(d) }) },
    { path: 'learningRates.W', label: 'learningRates.W', lnValue: Math.log(e.learningRates.W), written: e.learningRates.W, scaled: (s, d) => ({ ...s, etaW: s.etaW * Math.exp(d) }) },
  ];
}


/** The magnitudes of a spec, or null when it cannot be built (a value that is not a positive finite number). */
function magnitudesOf(spec: FlowSpec, o: MagnitudeOptions): Magnitude[] | null {
  if (![spec.gamma, spec.etaU, spec.etaW].every((v) => v > 0 && Number.isFinite(v))) return null;
  try {
    const { flow, lnTheta0 } = flowOfSpec(spec);
    return exactMagnitudes(flow, lnTheta0, o);
  } catch {
    return null;
  }
}

/** ln of the magnitude like `m` (same name and description) of a spec, or NaN. */
function magnitudeOf(spec: FlowSpec, m: Magnitude, o: MagnitudeOptions): number {
  const found = magnitudesOf(spec, o)?.find((x) => x.name === m.name && x.what === m.what);
  return found ? found.ln : NaN;
}

/** d ln|m| / d ln(value) at `spec`: a central difference over one e-fold, one-sided where a step leaves the range. */
function slopeOf(field: Field, spec: FlowSpec, m: Magnitude, o: MagnitudeOptions): number {
  const here = magnitudeOf(spec, m, o);
  const up = magnitudeOf(field.scaled(spec, 1), m, o);
  const down = magnitudeOf(field.scaled(spec, -1), m, o);
  if (Number.isFinite(up) && Number.isFinite(down)) return (up - down) / 2;
  if (Number.isFinite(up) && Number.isFinite(here)) return up - here;
  if (Number.isFinite(down) && Number.isFinite(here)) return here - down;
  return NaN;
}

/**
 * The change d of ln(value) from `d0` that brings ln|m| to within `slack` of `target` from below —
 * secant iterations on the magnitude, the closest point found on the safe side — or null when this
 * field alone cannot.
 */
function boundFor(field: Field, spec: FlowSpec, m: Magnitude, o: MagnitudeOptions, d0: number, target: number): number | null {
  const slack = 0.1;
  const g = (d: number) => magnitudeOf(field.scaled(spec, d), m, o) - target;
  const slope = slopeOf(field, field.scaled(spec, d0), m, o);
  let a = d0;
  let ga = g(a);
  if (!(Math.abs(slope) > 1e-3) || !Number.isFinite(ga)) return null;
  let b = a - ga / slope;
  let gb = g(b);
  let safe: number | null = gb <= slack ? b : null;
  for (let i = 0; i < 16 && Number.isFinite(ga) && Number.isFinite(gb) && (gb > slack || gb < -1) && gb !== ga; i++) {
    const c = b - (gb * (b - a)) / (gb - ga);
    a = b;
    ga = gb;
    b = c;
    gb = g(b);
    if (gb <= slack && (safe === null || Math.abs(b - d0) < Math.abs(safe - d0))) safe = b;
  }
  return safe;
}

/**
 * The field that pushes the magnitude `m` furthest — its slope (d ln|m| / d ln value) times how far
 * its value is from 1 — with that push, or null when no field moves it.
 */
function fieldToBlame(e: Experiment, spec: FlowSpec, m: Magnitude, o: MagnitudeOptions): { field: Field; push: number } | null {
  let best: { field: Field; push: number } | null = null;
  for (const field of fieldsOf(e, spec)) {
    if (!Number.isFinite(field.lnValue)) continue;
    const slope = slopeOf(field, spec, m, o);
    if (!(Math.abs(slope) >= 1e-3)) continue;
    const push = slope * field.lnValue;
    if (!best || push > best.push) best = { field, push };
  }
  return best;
}

/**
 * How a refusal names the field to blame: its path and name, its value as written (`where`) and the
 * logarithm a remedy starts from. A value written as base·d^exponent is echoed, and remedied, as its
 * base: what the user can write.
 */
function blamed(e: Experiment, field: Field): { powered: ReturnType<typeof widthPowered>; path: string; named: string; where: string; lnShown: number } {
  const powered = widthPowered(e, field);
  return {
    powered,
    path: powered ? powered.path : field.path,
    named: powered ? powered.label : field.path,
    where: powered ? `${powered.label} = ${formatWritten(powered.base)}${powered.note}` : `${field.label} = ${echo(field)}`,
    lnShown: powered ? powered.lnBase : field.lnValue,
  };
}

/** The range message of a magnitude beyond 64 bits: which field to blame, its value, and the values that work. */
export function rangeError(e: Experiment, spec: FlowSpec, m: Magnitude, o: MagnitudeOptions): ExperimentError {
  // The size and the limit to as many digits as tell them apart: a size just over the limit read as it.
  const said = Number.isFinite(m.ln) && m.ln > LN_LIMIT ? lnOverLimit(m.ln, LN_LIMIT) : { value: formatLn(m.ln), limit: formatLn(LN_LIMIT) };
  const size = Number.isFinite(m.ln) ? `about ${said.value}` : 'infinite';
  const head = `${m.what} is ${size}, beyond the 64-bit range (sizes above ${said.limit} are refused)`;
  const best = fieldToBlame(e, spec, m, o);
  if (!best) return new ExperimentError(`${head}: the experiment's values are out of the representable range (docs/limits.md, "Representable ranges")`, '');
  const { field } = best;
  const { powered, path, named, where, lnShown } = blamed(e, field);
  // The value of this field that brings every printed size into range: the bound of the first size
  // beyond it, then of any other size still beyond it there, and so on (a margin keeps sums finite).
  const target = LN_LIMIT - Math.log(4);
  let d = 0;
  let current: Magnitude | null = m;
  for (let round = 0; round < 8 && current; round++) {
    const next = boundFor(field, spec, current, o, d, target);
    if (next === null || (d !== 0 && Math.sign(next) !== Math.sign(d))) {
      return new ExperimentError(`${where}: ${head}, and no value of ${named} alone brings every number of the run into range with the other values as they are (docs/limits.md, "Representable ranges")`, path);
    }
    d = next;
    const ms = magnitudesOf(field.scaled(spec, d), o);
    current = ms ? firstOverflow(ms) : null;
  }
  // A negative value (a target of −1e308) is bounded on its own side of zero: its size shrinks as it rises.
  const negative = !powered && field.written !== undefined && field.written < 0;
  const relation = d < 0 !== negative ? '≤' : '≥';
  return new ExperimentError(`${where}: ${head}; with the other values as they are, ${named} must be ${relation} about ${negative ? '-' : ''}${formatLn(lnShown + d)} (docs/limits.md, "Representable ranges")`, path);
}

/** Refuses an exact run that would print a number beyond 64 bits; O(1) after the draw (O(1) per trial of the field search). */
export function checkExactRanges(e: Experiment, spec: FlowSpec, flow: ExactFlow, lnTheta0: number, o: MagnitudeOptions): void {
  const over = firstOverflow(exactMagnitudes(flow, lnTheta0, o));
  if (over) throw rangeError(e, spec, over, o);
}

/** Refuses gradient descent of the linear network whose first step or summary would print a number beyond 64 bits. */
export function checkInitialRanges(e: Experiment, spec: FlowSpec, flow: ExactFlow, lnTheta0: number): void {
  const o = { horizon: false, weightDecay: e.weightDecay ?? 0 };
  const over = firstOverflow(exactMagnitudes(flow, lnTheta0, o).filter((m) => m.initial));
  if (over) throw rangeError(e, spec, over, o);
}

/** The magnitude (`exactMagnitudes`' names) under which each field a descent run prints falls. */
const PRINTED_AS: Readonly<Record<string, string>> = {
  output: 'output',
  loss: 'loss',
  lossInitial: 'loss',
  lossFinal: 'loss',
  normU: 'normU',
  normW: 'normW',
  ntk: 'ntk',
  ntkInitial: 'ntk',
  ntkFinal: 'ntk',
  distance: 'distance',
  kernelChange: 'kernelChange',
  lambda: 'lambda',
  omega: 'omega',
};

/**
 * The refusal of gradient descent of the linear network without weight decay whose run printed `field`
 * (a column or summary key, `firstNonFinite`) beyond 64 bits — a kernel that grew 1e598-fold from
 * σ = 1e-300 — naming the field to blame and the values that work, found on the gradient flow over the
 * same span (step k at t = k) as the run's proxy: the run follows the flow where it converges, more
 * slowly at finite rates, so the flow's bound is enough for the run (docs/limits.md, "Representable
 * ranges"). Null when the flow's size is within range there (the run left the range on its own).
 */
export function descentRangeError(e: Experiment, spec: FlowSpec, flow: ExactFlow, lnTheta0: number, lastStep: number, field: string): ExperimentError | null {
  const name = PRINTED_AS[field];
  if (name === undefined) return null;
  const o = { horizon: false, weightDecay: 0, lnEnd: Math.log(lastStep) };
  const sizes = exactMagnitudes(flow, lnTheta0, o).filter((m) => m.name === name);
  const largest = sizes.reduce<Magnitude | null>((a, m) => (a === null || m.ln > a.ln ? m : a), null);
  return largest !== null && !(largest.ln < LN_LIMIT) ? rangeError(e, spec, largest, o) : null;
}

/**
 * The refusal of a default gradient-descent run (no time.end) that has not settled within `maxSteps`
 * steps though it neither blew up nor oscillates (docs/model.md §6, "Default horizon"): a loss that is
 * flat for 10⁷ steps (rates 1e-20, data.x [1e-300], outputScale 1e-300) would otherwise be labelled
 * kernel as if it had settled. The field to blame is the one that pushes the flow's default horizon (in
 * steps: descent follows the flow there) furthest, as `rangeError` blames a size beyond 64 bits, and the
 * value stated is the one that brings that horizon to half the limit (a plateau lasts up to 1.44 times
 * longer in descent than in the flow). Without weight decay: the undecayed run is the one searched.
 */
export function slowDescentError(e: Experiment, spec: FlowSpec, flow: ExactFlow, maxSteps: number): ExperimentError {
  const o: MagnitudeOptions = { horizon: true, weightDecay: 0 };
  const m: Magnitude = { name: 'horizon', what: 'the default horizon (the time the residual takes to come within 10⁻³ of its limit)', ln: defaultHorizonLn(flow) };
  const head = `gradient descent at these values has not settled within ${formatNumber(maxSteps)} steps, the limit of a default run (the flow's own horizon is about ${formatLn(m.ln)} steps): it would end on a flat loss and be labelled as if it had`;
  const tail = `or give time.end to run a fixed number of steps (docs/model.md §6, "Default horizon")`;
  const best = fieldToBlame(e, spec, m, o);
  const path = e.time.kind === 'at' ? 'time.at' : 'time.end';
  if (!best || !(best.push > 0)) return new ExperimentError(`${head}; ${tail}`, path);
  const { field } = best;
  const { powered, path: fieldPath, named, where, lnShown } = blamed(e, field);
  const d = boundFor(field, spec, m, o, 0, Math.log(maxSteps / 2));
  const negative = !powered && field.written !== undefined && field.written < 0;
  const remedy = d === null ? `no value of ${named} alone brings it within the limit with the other values as they are; ${tail}` : `with the other values as they are, ${named} must be ${d < 0 !== negative ? '≤' : '≥'} about ${negative ? '-' : ''}${formatLn(lnShown + d)}, ${tail}`;
  return new ExperimentError(`${where}: ${head}; ${remedy}`, fieldPath);
}
