/**
 * Hyperparameters as powers of the width d (docs/mechanisms.md, "Width scaling"):
 * `"outputScale": { "widthExponent": -0.5, "base": 1 }` means γ = 1 · d^(−1/2), and a named
 * `"parameterisation"` gives every plain number of the five scalable keys its preset exponent.
 */
import { Experiment, Parameterisation, WidthPower } from './experiment';
import { getNumber, isWidthPower, withNumber } from './hyperparameters';

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
  const preset = (raw as { parameterisation?: Parameterisation }).parameterisation;
  const exponents = preset ? PARAMETERISATIONS[preset] : undefined;
  let resolved = raw;
  const widthScaling: Record<string, WidthPower> = {};
  const problems: { path: string; message: string }[] = [];
  for (const path of WIDTH_SCALED_PATHS) {
    const node = nodeAt(raw, path);
    let power: WidthPower | undefined;
    if (isWidthPower(node)) power = { exponent: node.widthExponent, base: node.base ?? 1 };
    else if (typeof node === 'number' && exponents) power = { exponent: exponents[path], base: node };
    else if (node === undefined && exponents && path === 'model.outputScale') power = { exponent: exponents[path], base: 1 };
    if (!power) continue;
    const value = power.base * Math.pow(width, power.exponent);
    widthScaling[path] = power;
    const strict = path !== 'init.scaleU' && path !== 'init.scaleW';
    if (!Number.isFinite(value) || (strict && !(value > 0))) {
      problems.push({ path, message: `${path} = ${power.base} · ${width}^${power.exponent} = ${value} is out of range at this width (it must be a finite number${strict ? ' > 0' : ' ≥ 0'})` });
      continue;
    }
    resolved = replaceAt(resolved, path, value);
  }
  return { resolved, widthScaling, problems };
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
