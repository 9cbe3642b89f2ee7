/**
 * How a phase diagram looks, defined once for the panel, its legend, `flab phase --svg` and the
 * dynamics panel's label (docs/panel.md, "The phase diagram"): the colour of each label, the shading
 * by the kernel's change, and the names of the axes in the paper's symbols.
 */
import { DEAD, DIVERGED, OUTCOME_ORDER } from '../../linearFlow/stability';
import { ClassifyThresholds, DEFAULT_THRESHOLDS, LABEL_NAMES, LabelCode } from '../../mechanisms/classify';
import { formatExact } from '../../mechanisms/explain';
import { decadeLabel } from '../../figures/ticks';
import { deadRunNote } from '../../descent/deadUnits';
import { formatCount } from '../../experiment/diagnostic';
import { widthPowerFormula } from '../../experiment/widthFormula';

/**
 * One colour per label code (classify.ts; bit 0 alignment, bit 1 disalignment, bit 2 rescaling):
 * kernel grey, alignment blue, disalignment red, rescaling green; mixtures purple (alignment +
 * disalignment), teal (alignment + rescaling), orange (disalignment + rescaling), brown (all three).
 */
export const LABEL_COLOURS: readonly string[] = ['#8c8c8c', '#1f6fb4', '#d1352b', '#8e5bb8', '#2e9e44', '#1aa6b7', '#e8831e', '#7f5a3c'];

/** The colour of a label given by name (`alignment`, `mixed: alignment+rescaling`); null for an unknown name. */
export function labelColour(label: string): string | null {
  const code = LABEL_NAMES.indexOf(label);
  return code >= 0 ? LABEL_COLOURS[code] : null;
}

/**
 * Shading: the kernel's change on a log scale from 10^SHADE_LOW (palest) to 10^SHADE_HIGH (full
 * colour), in SHADE_LEVELS steps — the same steps in the panel, its legend and the SVG.
 */
export const SHADE_LOW = -4;
export const SHADE_HIGH = 1;
export const SHADE_LEVELS = 8;

/** The shade step (0 … SHADE_LEVELS − 1) of a kernel change; 0 for none. */
export function shadeLevel(kernelChange: number): number {
  if (!(kernelChange > 0)) return 0;
  const t = (Math.log10(kernelChange) - SHADE_LOW) / (SHADE_HIGH - SHADE_LOW);
  return Math.max(0, Math.min(SHADE_LEVELS - 1, Math.floor(t * SHADE_LEVELS)));
}

/** How strongly a shade step shows its label's colour over the background: 0.3 … 1. */
export function shadeWeight(level: number): number {
  return 0.3 + (0.7 * level) / (SHADE_LEVELS - 1);
}

/** How strongly a cell shows its label's colour for its kernel change. */
export function shadeOf(kernelChange: number): number {
  return shadeWeight(shadeLevel(kernelChange));
}

/**
 * What the shading means, in words that hold on any background: a weak shade is a faint tint —
 * pale on a light page, dark on a dark one — so the legend says "faint" and "full", never "pale".
 */
export function shadeNote(colours = "Each label's colour"): string {
  return `${colours} from faint — close to the background — (kernel change ≤ ${decadeLabel(SHADE_LOW)}) to full (≥ ${decadeLabel(SHADE_HIGH)}), in ${SHADE_LEVELS} steps.`;
}

/**
 * The thresholds of the labelling rule as the legends state them, one clause per step of the rule
 * (docs/mechanisms.md, "The label"): the kernel regime needs both the kernel change and the
 * tangent-feature change below theirs, as the dynamics panel's verdict lists them. A threshold
 * missing from `given` (a message from the panel's host) is the default.
 */
export function thresholdClauses(given: Partial<ClassifyThresholds>): string[] {
  const th: ClassifyThresholds = { ...DEFAULT_THRESHOLDS, ...given };
  return [
    `kernel regime: kernel change < ${formatExact(th.kernelChange)} and tangent-feature change < ${formatExact(th.tangentChange)}`,
    `alignment or disalignment: |ζ| change ≥ ${formatExact(th.zetaChange)}`,
    `rescaling alongside: balance change ≥ ${formatExact(th.balanceChange)}`,
  ];
}

/** The paper's symbol of each axis key. */
export const AXIS_SYMBOLS: Record<string, string> = {
  'model.outputScale': 'output scale γ',
  'model.width': 'width d',
  'init.scaleU': 'init scale σ_u',
  'init.scaleW': 'init scale σ_W',
  'init.seed': 'seed',
  'learningRates.u': 'learning rate η_u',
  'learningRates.W': 'learning rate η_W',
  'data.y': 'target y',
};

/** The short symbol of each axis key, for a cell's title (`η_W = 0.1`). */
export const AXIS_SHORT: Record<string, string> = {
  'model.outputScale': 'γ',
  'model.width': 'd',
  'init.scaleU': 'σ_u',
  'init.scaleW': 'σ_W',
  'init.seed': 'seed',
  'learningRates.u': 'η_u',
  'learningRates.W': 'η_W',
  'data.y': 'y',
};

/**
 * An axis's title: `output scale γ (model.outputScale)`, or the path for a key without a symbol. An
 * axis whose key is a width power in the file (`power`, PhaseDiagram's `widthPower`) holds its base b,
 * and says so: `output scale base b (γ = b·d^(−1/2); model.outputScale)`.
 */
export function axisTitle(path: string, power?: { exponent: number } | null): string {
  if (power && power.exponent !== 0) {
    const name = AXIS_SYMBOLS[path] ? AXIS_SYMBOLS[path].slice(0, AXIS_SYMBOLS[path].lastIndexOf(' ')) : path;
    return `${name} base b (${widthPowerFormula(axisShort(path), power.exponent)}; ${path})`;
  }
  return AXIS_SYMBOLS[path] ? `${AXIS_SYMBOLS[path]} (${path})` : path;
}

/**
 * What a width-powered axis means, for the legend (the panel's and the figure's): `output scale
 * axis: each value is the base b; the cells compute with γ = b·d^(−1/2), d = 1024 (the file's
 * width)`; where the other axis is the width, d is each cell's own. Null for an axis without one.
 */
export function widthPowerNote(path: string, power: { exponent: number; width: number | null } | null | undefined, otherPath: string): string | null {
  if (!power || power.exponent === 0) return null;
  const name = AXIS_SYMBOLS[path] ? AXIS_SYMBOLS[path].slice(0, AXIS_SYMBOLS[path].lastIndexOf(' ')) : path;
  const d = otherPath === 'model.width' || power.width === null ? 'd each cell\'s width' : `d = ${formatCount(power.width)} (the file's width)`;
  return `${name} axis: each value is the base b; the cells compute with ${widthPowerFormula(axisShort(path), power.exponent)}, ${d}`;
}

/** The value a cell computes with from an axis value `base` of a width power: base·d^exponent. */
export function widthPowered(base: number, power: { exponent: number }, width: number): number {
  return base * Math.pow(width, power.exponent);
}

/** An axis's short name: `η_W`, or the path's last segment. */
export function axisShort(path: string): string {
  return AXIS_SHORT[path] ?? path.slice(path.lastIndexOf('.') + 1);
}

/** The label text of a code. */
export function labelText(code: LabelCode): string {
  return LABEL_NAMES[code] ?? String(code);
}

/**
 * Gradient-descent diagrams are coloured by outcome (stability.ts, DESCENT_OUTCOMES, by code: converged
 * blue, catapult orange, diverged crimson, unsettled violet, dead dark grey — each one that stands out on a dark page
 * as on a light one) and shaded, like the flow's, by the kernel's change — pale where descent stays in
 * the kernel regime, full where it learns features; the mechanism's name is in the hover and the
 * legend. A diverged run has no scores: one flat colour; so has a dead one. An unsettled run has its label and scores
 * (those of `flab simulate` of the cell), so it is shaded like a converged or catapult one.
 * The violet #7e3ff2 was chosen for being told apart from the other three by readers with
 * colour-vision deficiencies: simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009,
 * full severity) keep it at least ΔE*ab ≈ 31 (CIELAB) from each, at full colour and at a 0.6 shade over
 * a white or a dark page — more than the existing three keep from one another (orange and crimson,
 * ≈ 29 under tritanopia); purples nearer blue (#6f42c1) fall to ≈ 16 from converged's blue under
 * deuteranopia, and green to ≈ 15 from orange or crimson.
 * Dead (code 4: a ReLU network every unit of which is inactive on every sample — no label, no scores)
 * is a flat dark neutral grey, #595959: no hue, so told apart from the four under any colour-vision
 * deficiency, far darker than the refused cells' light hatched fill, and visible on a dark page
 * (contrast 2.4 over #1e1e1e).
 */
export const OUTCOME_COLOURS: readonly string[] = ['#3a78b5', '#e5861d', '#a3263c', '#7e3ff2', '#595959'];

/** Whether a cell of this outcome code is shaded by its kernel change: every outcome but diverged and dead (which have no scores); not an unknown code. */
export function outcomeShaded(outcome: number): boolean {
  return outcome !== DIVERGED && outcome !== DEAD && OUTCOME_COLOURS[outcome] !== undefined;
}

/** What a dead cell is, for the legends: why it has no label. */
export const DEAD_NOTE = 'every ReLU unit inactive on every sample: no gradient, no label';

/**
 * A descent cell's outcome in the panel's hover (docs/phase-diagram.md, "Gradient descent"): "catapult,
 * then alignment"; an unsettled run has not finished what it does within the budget, so its label is
 * the one so far: "unsettled — the loss still above its start at step 200; so far alignment"; a dead
 * ReLU network has none, and the step it died at (`deadStep`, its run's `summary.dead.step`, as `flab
 * simulate` of the cell says it — not the end of the budget): "dead — every ReLU unit is inactive on
 * every sample from step 2 on: no gradient reaches the weights; no mechanism is read (budget 300
 * steps)". `budget` null: the file's default, "the end of the budget"; `deadStep` null (unknown): the
 * dead cell says only that it is dead by the end of the budget, naming no step as the one it died at.
 */
export function descentOutcomeText(outcome: string, label: string | null, budget: number | null, deadStep: number | null): string {
  const end = budget === null ? 'the end of the budget' : `step ${formatCount(budget)}`;
  if (outcome === 'dead') return deadStep === null ? `dead by ${end} — ${DEAD_NOTE}` : `dead — ${deadRunNote(deadStep)}${budget === null ? '' : ` (budget ${formatCount(budget)} steps)`}`;
  if (outcome === 'unsettled') return `unsettled — the loss still above its start at ${end}${label === null ? '' : `; so far ${label}`}`;
  return label === null ? outcome : `${outcome}, then ${label}`;
}

/** Counts by outcome code in the legends' order, OUTCOME_ORDER (converged, catapult, unsettled, dead, diverged; an unknown code last). */
export function inOutcomeOrder(counts: ReadonlyMap<number, number>): Map<number, number> {
  const rank = (code: number): number => (OUTCOME_ORDER.includes(code) ? OUTCOME_ORDER.indexOf(code) : OUTCOME_ORDER.length + code);
  return new Map([...counts].sort((a, b) => rank(a[0]) - rank(b[0])));
}

/** How the critical lines are drawn (criticalLines.ts, in CRITICAL_KERNELS order): ηK₀ = 2 solid, ηK₀ = 4 dashed, a dark stroke over a light halo so they show on any cell. */
export const LINE_DASHES: readonly (readonly number[])[] = [[], [6, 4]];
export const LINE_INK = '#111111';
export const LINE_HALO = '#ffffff';

/** The colour of a cell and how strongly it shows over the background (0.3 … 1). */
export function cellStyle(outcome: number | null, label: number, kernelChange: number): { colour: string; weight: number } {
  if (outcome === null) return { colour: LABEL_COLOURS[label] ?? LABEL_COLOURS[0], weight: shadeOf(kernelChange) };
  // An unknown code is drawn as a blow-up: the flat crimson of diverged.
  if (!outcomeShaded(outcome)) return { colour: OUTCOME_COLOURS[outcome] ?? OUTCOME_COLOURS[DIVERGED], weight: 1 };
  return { colour: OUTCOME_COLOURS[outcome], weight: shadeOf(kernelChange) };
}

/**
 * A refused cell (phaseDiagram.ts, `refused`: its run would print a number beyond 64 bits, so its
 * one-run command refuses it; docs/phase-diagram.md, "Refused cells") is drawn as no result at all:
 * a light neutral fill crossed by dark grey diagonal lines ("/", the lines x + y = n·REFUSED_HATCH_PERIOD
 * in px from the plot's corner or the figure's origin), one look in the SVG, the panel and both
 * legends. No label or outcome colour is a neutral fill with lines on it, and the fill is lighter than
 * the faintest shade (weight 0.3 of any colour over white, at most #dddddd for the kernel's grey), so
 * it cannot be read as a label, an outcome or a small kernel change.
 */
export const REFUSED_FILL = '#f4f4f4';
export const REFUSED_HATCH = '#5e5e5e';
/** The hatch's period along each axis and its line width, in px (CSS pixels in the panel, user units in the SVG). */
export const REFUSED_HATCH_PERIOD = 8;
export const REFUSED_HATCH_WIDTH = 1.5;
/** The legends' name of refused cells. */
export const REFUSED_NAME = 'beyond 64 bits (refused)';

/**
 * The hover text of a refused cell: which one-run command refuses it and why, and how to see the
 * field to blame and the values that work (`click` says what opening the cell does where the text is
 * shown).
 */
export function refusedNote(method: 'flow' | 'descent', click: string): string {
  const command = method === 'descent' ? 'flab simulate' : 'flab solve';
  return `beyond 64 bits: ${command} of this cell is refused (a number it would print is beyond the 64-bit range); ${click}`;
}

/** The hatch as a CSS background image (the panel's legend swatch): the same lines as the map's, `/` every REFUSED_HATCH_PERIOD px. */
export function refusedCssBackground(): string {
  // Along the gradient's axis (45°) the lines' spacing is the period over √2.
  const spacing = REFUSED_HATCH_PERIOD / Math.SQRT2;
  const half = REFUSED_HATCH_WIDTH / 2;
  return `repeating-linear-gradient(-45deg, ${REFUSED_HATCH} 0 ${half}px, ${REFUSED_FILL} ${half}px ${spacing - half}px, ${REFUSED_HATCH} ${spacing - half}px ${spacing}px)`;
}

/** A share of cells as the legends print it: `12 %`, `0.4 %`, `< 0.1 %` (never 0 for a colour that is on the map). */
export function shareText(count: number, total: number): string {
  const share = (100 * count) / Math.max(1, total);
  if (share > 0 && share < 0.1) return '< 0.1 %';
  return `${share > 0 && share < 1 ? share.toFixed(1) : Math.round(share)} %`;
}
