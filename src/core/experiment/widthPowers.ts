/**
 * Hyperparameters as powers of the width d (docs/mechanisms.md, "Width scaling"):
 * `"outputScale": { "widthExponent": -0.5, "base": 1 }` means γ = 1 · d^(−1/2), and a named
 * `"parameterisation"` gives every plain number of the five scalable keys its preset exponent.
 */
import { Experiment, Parameterisation, WidthPower } from './experiment';
import { formatBound, formatLn, formatNumber, lnOverLimit } from './diagnostic';
import { getNumber, isWidthPower, withNumber } from './hyperparameters';
import { parsePath } from './jsonPath';

/** The five hyperparameters that may scale with the width, by JSON path. */
export const WIDTH_SCALED_PATHS = ['model.outputScale', 'init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W'] as const;
export type WidthScaledPath = (typeof WIDTH_SCALED_PATHS)[number];

/** Exponents e of value ∝ d^e for each scalable hyperparameter (γ, σ_u, σ_W, η_u, η_W). */
export type WidthExponents = Record<WidthScaledPath, number>;

/**
 * The usual parameterisations of f(x) = γ uᵀ W x with d hidden units (docs/mechanisms.md):
 * - standard: u_i ~ N(0, 1/d) (σ_u ∝ d^(−1/2)), W_ij ~ N(0, σ_W²) fixed, γ = 1, fixed rates;
 * - ntk: u_i, W_ij ~ N(0, 1), γ ∝ d^(−1/2), fixed rates (the tangent kernel has a finite limit);
 * - meanField (= muP here): u_i, W_ij ~ N(0, 1), γ ∝ d^(−1), rates ∝ d (features move at any width).
 */
export const PARAMETERISATIONS: Record<Parameterisation, WidthExponents> = {
  standard: { 'model.outputScale': 0, 'init.scaleU': -0.5, 'init.scaleW': 0, 'learningRates.u': 0, 'learningRates.W': 0 },
  ntk: { 'model.outputScale': -0.5, 'init.scaleU': 0, 'init.scaleW': 0, 'learningRates.u': 0, 'learningRates.W': 0 },
  meanField: { 'model.outputScale': -1, 'init.scaleU': 0, 'init.scaleW': 0, 'learningRates.u': 1, 'learningRates.W': 1 },
  muP: { 'model.outputScale': -1, 'init.scaleU': 0, 'init.scaleW': 0, 'learningRates.u': 1, 'learningRates.W': 1 },
};

export interface WidthResolution {
  /** The file's value with every width power replaced by its number at the file's width. */
  resolved: unknown;
  widthScaling: Record<string, WidthPower>;
  /** Values that overflow or break their constraint once scaled. */
  problems: { path: string; message: string }[];
}

/** Replaces width powers (and plain numbers under a parameterisation) by base · d^exponent. */
export function resolveWidthPowers(raw: unknown): WidthResolution {
  const width = getNumber(raw, 'model.width') ?? 1;
  let resolved = raw;
  const widthScaling: Record<string, WidthPower> = {};
  const problems: { path: string; message: string }[] = [];
  for (const path of WIDTH_SCALED_PATHS) {
    const node = nodeAt(raw, path);
    const power = widthPowerAt(raw, path);
    if (!power) continue;
    const value = power.base * Math.pow(width, power.exponent);
    widthScaling[path] = power;
    // `{ widthExponent, base }` in the file: the base is its own key; a plain number under a parameterisation is the base itself.
    const written = isWidthPower(node) ? { at: `${path}.base` } : { at: path, note: ` (the base b of ${path} = b·d^${formatNumber(power.exponent)} under the parameterisation)` };
    const problem = widthPowerRangeProblem(power, width, `the width d = ${width}`, written, path !== 'init.scaleU' && path !== 'init.scaleW');
    if (problem) {
      problems.push(problem);
      continue;
    }
    resolved = replaceAt(resolved, path, value);
  }
  return { resolved, widthScaling, problems };
}

/**
 * The width power b·d^e that the file `raw` (its JSON value, valid or not) gives the scalable key
 * `path`: `{ widthExponent, base }` as written (base 1 when left out), a plain number under a named
 * `parameterisation` (the number is the base, the preset's exponent), or a left-out outputScale
 * under one (base 1); undefined when the key's number is the value itself. A parameterisation that
 * names no preset gives none.
 */
export function widthPowerAt(raw: unknown, path: string): WidthPower | undefined {
  if (!(WIDTH_SCALED_PATHS as readonly string[]).includes(path)) return undefined;
  const key = path as WidthScaledPath;
  const preset = raw !== null && typeof raw === 'object' ? (raw as { parameterisation?: unknown }).parameterisation : undefined;
  const exponents = typeof preset === 'string' && Object.hasOwn(PARAMETERISATIONS, preset) ? PARAMETERISATIONS[preset as Parameterisation] : undefined;
  const node = nodeAt(raw, path);
  if (isWidthPower(node)) return { exponent: node.widthExponent, base: node.base ?? 1 };
  if (typeof node === 'number' && exponents) return { exponent: exponents[key], base: node };
  if (node === undefined && exponents && key === 'model.outputScale') return { exponent: exponents[key], base: 1 };
  return undefined;
}

/**
 * The key whose base `path` names, or null: `model.outputScale` for `model.outputScale.base` when the
 * file `raw` (its plain JSON value) writes model.outputScale as `{ widthExponent, base }` — of either
 * kind of experiment (`init.scale.base`, `training.learningRate[0].base` of a network) — or, for the
 * linear model's five scalable keys, as a plain number under a `parameterisation` (that number is the
 * base: widthPowerAt). A phase axis or a sweep over such a path is one over the key itself, whose
 * values are the bases (docs/phase-diagram.md, width-powered keys): labelled as the base of that key, with
 * its widthPower, sharing its cells' set-up, and refused beside an axis over the key itself. Null for
 * any other path, and where the key is a number used as it is (its `.base` names nothing).
 */
export function widthPowerKeyOfBase(raw: unknown, path: string): string | null {
  if (!path.endsWith('.base')) return null;
  const key = path.slice(0, -'.base'.length);
  if (widthPowerAt(raw, key) !== undefined) return key;
  let node: unknown = raw;
  for (const seg of parsePath(key)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, seg)) return null;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return isWidthPower(node) ? key : null;
}

/**
 * Why `path`, a path into a part of a width power — `model.outputScale.base` or
 * `model.outputScale.widthExponent` — names no number of the file `raw` (its plain JSON value), or null:
 * the file does not write that key as `{ widthExponent, base }`. A value there would replace the key's
 * number by an object — `{ "widthExponent": v }` of base 1, dropping the file's value (γ = 0.5 became
 * 1·d^v), or `{ "base": v }`, which is no width power. Call it after `widthPowerKeyOfBase`, which takes
 * the base of a plain number under a parameterisation as the key itself.
 */
export function widthPowerPartProblem(raw: unknown, path: string): string | null {
  const m = /^(.+)\.(base|widthExponent)$/.exec(path);
  if (!m) return null;
  const [, key, part] = m;
  let node: unknown = raw;
  for (const seg of parsePath(key)) {
    node = node !== null && typeof node === 'object' && Object.hasOwn(node, seg) ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  if (isWidthPower(node)) return null;
  const how = node === undefined ? `leaves ${key} out` : typeof node === 'number' ? `writes ${key} as a number, ${widthPowerAt(raw, key) ? 'the base b of its parameterisation' : 'the value used'}` : `does not write ${key} as one`;
  const instead = part === 'base' ? `name ${key} itself` : `write ${key} as { "widthExponent": e, "base": b } to vary its exponent`;
  return `${path} is the ${part === 'base' ? 'base b' : 'exponent e'} of ${key} written as { "widthExponent": e, "base": b }, and this file ${how}: ${instead}`;
}

/** Where and how a message names the base of a width power: its key (`init.scale.base`) and a note after its value. */
export interface WrittenBase {
  at: string;
  note?: string;
}

/**
 * How a message names a width power and what it became: `init.scale.base = 1e30; the value used,
 * base · d^4 at d = 1000 (…), is 1e42` — the base as written, then the value used, to 12 digits, or
 * `about 1e-324` when it is beyond the 64-bit range or 0 from a nonzero base. `where` names d
 * (`the width d = 64`). A sweep over the key says its value once: `sweepValueError` drops this up to
 * the ";".
 */
export function widthPowerSaid(power: WidthPower, width: number, where: string, written: WrittenBase, digits = 2): string {
  const value = power.base * Math.pow(width, power.exponent);
  const exact = Number.isFinite(value) && (value !== 0 || power.base === 0);
  const used = exact ? formatNumber(Number(value.toPrecision(12))) : `about ${formatLn(lnWidthPower(power, width), digits)}`;
  return `${written.at} = ${formatNumber(power.base)}${written.note ?? ''}; the value used, base · d^${formatNumber(power.exponent)} at ${where}, is ${used}`;
}

/**
 * Why the width power `power` cannot be used at width `width`, or null: its value base·d^e beyond
 * the 64-bit range, or 0 from a nonzero base (below the smallest 64-bit number: a rate, a scale or γ
 * of 0 is another experiment). Located at the base (`written.at`), what the user changes, with the
 * bases that work (docs/limits.md, "Representable ranges"); `positive`: a key that must be > 0, to
 * which 0 is not offered. The base itself is ≥ 0 (the schema).
 */
export function widthPowerRangeProblem(power: WidthPower, width: number, where: string, written: WrittenBase, positive = false): { path: string; message: string } | null {
  const factor = Math.pow(width, power.exponent);
  const value = power.base * factor;
  const said = widthPowerSaid(power, width, where, written);
  if (!Number.isFinite(value)) {
    // Both rounded to two digits, a value just past the range read as its end ("about 1.8e308: beyond
    // the range of 64-bit numbers (1.8e308)"): as many digits as tell them apart.
    const over = lnOverLimit(lnWidthPower(power, width), Math.log(Number.MAX_VALUE));
    return { path: written.at, message: `${widthPowerSaid(power, width, where, written, over.digits)}: beyond the range of 64-bit numbers (${over.limit}): give a base of at most ${formatBound(Number.MAX_VALUE / factor, 'atMost', (b) => Number.isFinite(b * factor))}` };
  }
  if (value === 0 && power.base !== 0) {
    const zero = positive ? `which ${written.at.replace(/\.base$/, '')} must not be` : 'a different experiment';
    return { path: written.at, message: `${said}: below the smallest 64-bit number (5e-324), where it is 0, ${zero}: give a base of at least ${formatBound(Number.MIN_VALUE / factor, 'atLeast', (b) => b * factor !== 0)}${positive ? '' : ', or 0 if that is what you mean'}` };
  }
  return null;
}

/** ln(base · d^exponent), finite where the value itself is beyond 64 bits. */
function lnWidthPower(power: WidthPower, width: number): number {
  return Math.log(power.base) + power.exponent * Math.log(width);
}

/** The width exponents of an experiment (0 for hyperparameters that do not scale). */
export function widthExponentsOf(e: Experiment): WidthExponents {
  const out = {} as WidthExponents;
  for (const path of WIDTH_SCALED_PATHS) out[path] = e.widthScaling?.[path]?.exponent ?? 0;
  return out;
}

function nodeAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const seg of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** Like `withNumber`, but replaces a width power by the plain number. */
function replaceAt(root: unknown, path: string, value: number): unknown {
  const [head, key] = path.split('.');
  const parent = (root as Record<string, unknown>)[head];
  if (parent === null || typeof parent !== 'object') return withNumber(root, path, value);
  return { ...(root as Record<string, unknown>), [head]: { ...(parent as Record<string, unknown>), [key]: value } };
}
