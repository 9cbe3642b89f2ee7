/**
 * The training panel's charts as a table of chart specs (docs/architecture.md, "Webviews"): the
 * dynamics of a deep network over its records — ζ per pair of layers, losses, accuracies, norms,
 * distances, the tangent kernel's change — and, for a sweep, the paper's summary views against the
 * swept value (final ζ per pair with the initial ζ dashed; best test accuracy; final weight norm).
 * Each spec builds a `ChartModel` that the engine (webview/charts/chartEngine.ts) draws.
 */
import uPlot from 'uplot';
import { untrained, type LearningCurves, type RunView, type SweepView } from '../../src/protocol/training';
import { ChartModel, clean, Column, keyEntry, keptRows, ScaleSpec, SeriesSpec, table, withEdgeRoom } from '../charts/chartEngine';
import { firstMeasured, lastMeasured } from '../../src/core/mechanisms/series';
import { formatReadout } from '../shared/numberFormat';
import { valueWithLabel } from '../shared/sweepLegend';
import { sweepColoursOf, type Palette } from '../shared/theme';
import type { FigureKeyEntry } from '../../src/core/figures/chartFigure';
import { prefersLogAxis } from '../../src/core/figures/ticks';

export interface TrainingChartInput {
  run: RunView;
  sweep: SweepView | null;
  palette: Palette;
  logStep: boolean;
  /** A network trained here (measured on its cadence) or a folder of checkpoints. */
  kind: 'network' | 'checkpoints';
  /** In a sweep, the pair of layers whose ζ the chart over training draws (an index into `alignment`; 0 when out of range). */
  zetaPair?: number;
}

/** One line of a time chart: a column of the curves. */
interface Line {
  label: string;
  colour: string;
  scale: string;
  dashed?: boolean;
  /** Hollow markers, no line: a trained run drawn over the exact flow (the bridge), as the paper's Fig. 1 draws experiments over theory. */
  points?: boolean;
  column(c: LearningCurves): Column;
}

export interface TrainingChartSpec {
  key: string;
  /** For screen readers: what the chart shows. */
  label: string;
  /** Whether the chart has anything to draw for this input (a kernel chart without a kernel is left out). */
  applies(input: TrainingChartInput): boolean;
  build(input: TrainingChartInput): ChartModel;
}

/** The colours of the theme that lines take in turn (layers, pairs). */
function cycle(p: Palette): string[] {
  return [p.blue, p.orange, p.green, p.purple, p.red, p.yellow];
}

const columnOr = (c: Column | undefined, n: number): Column => c ?? new Array<number | null>(n).fill(null);

/**
 * Whether a column is measured at some records only (ζ, ζ_top and the kernel on their cadence,
 * docs/networks.md "Cadence"): a null between two values, or a single value. Drawn as a line through
 * its measurements, each marked: as separate segments most of them would not show at all.
 */
function isSparse(c: Column): boolean {
  let values = 0;
  let gap = false;
  let seen = false;
  for (const v of c) {
    if (v === null || v === undefined) {
      if (seen) gap = true;
      continue;
    }
    if (gap) return true;
    seen = true;
    values++;
  }
  return values === 1;
}

/**
 * What the dots of a quantity measured at some records only are, under its chart: the line between
 * two dots joins two measurements — two of them (step 0 and the last, a sweep's usual case) drew a
 * straight line that read as steady growth.
 */
export function measuredNote(what: string, kind: TrainingChartInput['kind']): string {
  const when = kind === 'network' ? ' It is measured at step 0 and at the last step, and between them only as far as its cost allows (its share of the training\'s work, docs/networks.md, "Cadence").' : '';
  return `Dots: the steps where ${what} was measured.${when} Between two dots it was not measured: the line only joins them.`;
}

/**
 * A chart of lines over the records of one run, or of each sweep run in its own colour. `measured`:
 * the name of a quantity measured at some records only that the chart draws (`measuredNote`).
 */
function timeModel(title: string, scales: ScaleSpec[], lines: (c: LearningCurves, p: Palette) => Line[], input: TrainingChartInput, measured: string | null = null): ChartModel {
  const { run, sweep, palette, logStep } = input;
  const series: SeriesSpec[] = [];
  const tables: uPlot.AlignedData[] = [];
  const add = (c: LearningCurves, suffix: string, colour?: string): void => {
    const ls = lines(c, palette);
    const columns = ls.map((l) => l.column(c));
    ls.forEach((l, i) => series.push({ label: `${l.label}${suffix}`, colour: colour ?? l.colour, dashed: l.dashed ?? false, points: l.points ?? false, sparse: isSparse(columns[i]), scale: l.scale, width: colour ? 1.5 : 2 }));
    // Markers over a line (the bridge) at most MAX_MARKERS a series, as the dynamics panel's descent:
    // 151 hollow markers made a band that hid the exact flow under them.
    if (ls.some((l) => l.points)) ls.forEach((l, i) => tables.push(table(c.step, [columns[i]], keptRows(c.step, logStep, l.points === true))));
    else tables.push(table(c.step, columns, keptRows(c.step, logStep, false)));
  };
  if (sweep && sweep.runs.some((r) => r !== null)) {
    const colours = sweepColoursOf(palette, sweep.values.length);
    sweep.runs.forEach((r, i) => {
      if (r && r.curves.step.length > 0) add(r.curves, ` (${sweep.key} = ${formatReadout(sweep.values[i])})`, colours[i]);
    });
  } else if (run.curves.step.length > 0) {
    add(run.curves, '');
  }
  const data = tables.length === 0 ? ([[]] as unknown as uPlot.AlignedData) : tables.length === 1 ? tables[0] : uPlot.join(tables);
  // A sweep's chart keys what each line style is (in the text colour: the test set's dashed lines said
  // nothing of their dashes), then each value's colour, as the dynamics panel's do; one run's names its
  // lines, as the legend on screen does.
  const first = sweep?.runs.find((r) => r !== null && r.curves.step.length > 0)?.curves ?? run.curves;
  const styles = lines(first, palette).map((l): FigureKeyEntry => ({ label: l.label, colour: palette.foreground, mark: l.dashed ? 'dashed' : 'line' }));
  // Each value with its label, as the sweep legend on screen reads ("0.1 alignment"): the figure was the values alone.
  const key = sweep ? [...styles, ...sweep.values.map((v, i): FigureKeyEntry => ({ label: valueWithLabel(v, sweepRunLabel(sweep.runs[i])), colour: sweepColoursOf(palette, sweep.values.length)[i], mark: 'swatch', group: sweep.key }))] : series.map(keyEntry);
  const note = measured && series.some((sr) => sr.sparse) ? { note: measuredNote(measured, input.kind) } : {};
  return { title, scales, series, data, legend: !sweep, key, shade: null, ...note };
}

/**
 * A chart against the swept value: one line per summary quantity through a marker at each value. A
 * value whose run diverged (or was not trained), died, collapsed, saturated or whose loss blew up (`RunView.blownUp`)
 * has no point: its "final" ζ and norm are those of the blown-up weights (a norm of 10³⁰ put every
 * other value's on 0; a collapsed run's ζ was the sweep's highest), and its best accuracy is not a
 * trained network's; the title names the values left out.
 */
function sweepModel(title: string, scales: ScaleSpec[], sweep: SweepView, lines: { label: string; colour: string; scale: string; dashed?: boolean; value(r: RunView): number | null }[]): ChartModel {
  const all = sweep.values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  // The values left out are off the axis too: a point at η = 0.1 sat at the left edge of an axis to 10³⁰.
  const order = all.filter((o) => !untrained(sweep.runs[o.i]) && !sweep.runs[o.i]?.blownUp);
  const xs = order.map((o) => o.v);
  const columns = lines.map((l) => order.map((o) => {
    const r = sweep.runs[o.i];
    const v = r ? l.value(r) : null;
    return v === null || !Number.isFinite(v) ? null : v;
  }));
  const left = (is: (r: RunView) => boolean) => all.filter((o) => sweep.runs[o.i] !== null && is(sweep.runs[o.i]!)).map((o) => formatReadout(o.v));
  const why: [string, string[]][] = [
    ['diverged', left((r) => r.status === 'diverged')],
    ['loss not finite at start', left((r) => r.status === 'notTrained')],
    ['failed', left((r) => r.status === 'failed')],
    ['died', left((r) => !untrained(r) && r.blownUp === 'died')],
    ['collapsed', left((r) => !untrained(r) && r.blownUp === 'collapsed')],
    ['loss blew up', left((r) => !untrained(r) && r.blownUp === 'loss blew up')],
    ['saturated', left((r) => !untrained(r) && r.blownUp === 'saturated')],
  ];
  const said = why.filter(([, vs]) => vs.length > 0).map(([reason, vs]) => `${reason}: ${sweep.key} = ${vs.join(', ')}`);
  const shown = said.length === 0 ? title : `${title} — left out, ${said.join('; ')}`;
  // Marked and joined across a value whose run has none (SeriesSpec.sparse): a few values, each a run.
  const series: SeriesSpec[] = lines.map((l) => ({ label: l.label, colour: l.colour, dashed: l.dashed ?? false, points: false, sparse: true, scale: l.scale }));
  return { title: shown, scales, series, data: [xs, ...columns] as uPlot.AlignedData, legend: true, key: series.map(keyEntry), shade: null };
}

/** Whether a sweep has a value whose run trained (and ended, or is training): something for its summary views. */
function someTrained(sweep: SweepView | null): boolean {
  return !!sweep && sweep.runs.some((r) => r !== null && !untrained(r));
}

/** Whether a loss or accuracy series is the test set's ("test loss", "test accuracy"). */
const isTest = (name: string): boolean => name.startsWith('test');

/** One colour per split in every chart: the training set's blue, the test set's orange (dashed). */
const splitColour = (name: string, p: Palette): string => (isTest(name) ? p.orange : p.blue);

/** In a sweep, the accuracy drawn: the test accuracy when there is one (what the paper compares). */
function sweepAccuracyIndex(c: LearningCurves): number {
  return Math.max(0, c.accuracies.findIndex((a) => /test/.test(a.name)));
}

/** √Σₗ‖Wₗ‖² at every record (null where a layer's norm is; `Math.hypot`, which does not overflow as the squares would). */
function networkNorm(c: LearningCurves): (number | null)[] {
  return c.step.map((_, k) => {
    const norms = c.layers.map((l) => l.norm[k]);
    return norms.every((n): n is number => n !== null && n !== undefined) ? Math.hypot(...norms) : null;
  });
}

/**
 * Whether a sweep's values of one quantity (`of`: its columns in one run) span more than two decades
 * (positive values only): on a linear axis every value's curve but the largest lay flat on zero — a
 * σ sweep's kernel change ran to 10⁸ at σ = 0.1 and hid the others'. Such a chart takes a log axis.
 */
function sweepSpansDecades(sweep: SweepView | null, of: (c: LearningCurves) => readonly (readonly (number | null)[])[]): boolean {
  if (!sweep) return false;
  let lo = Infinity;
  let hi = 0;
  for (const r of sweep.runs) {
    if (!r || blewUp(r)) continue;
    for (const column of of(r.curves)) {
      for (const v of column) {
        if (v === null || !Number.isFinite(v) || v <= 0) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return hi > 100 * lo;
}

/** A sweep's run that blew up — diverged, collapsed, or its loss — whose curves leave the others' scale. */
function blewUp(r: RunView | null): boolean {
  // A value that failed has no curve to leave the others' scale.
  return r !== null && r.status !== 'failed' && (untrained(r) || r.blownUp !== null);
}

/**
 * The y range of a sweep's chart of one quantity (`of`) fitted to the values whose runs did not blow
 * up, when a run that did goes beyond it; else undefined (the axis fits every curve, as uPlot does).
 * One diverged value's weight norm of 10¹⁷ made a linear axis on which the others lay flat on 0.
 * `log`: whole decades around the positive values; else the values padded by a tenth; either with
 * room for a marker at its ends (`withEdgeRoom`).
 */
function fittedWithoutBlownUp(sweep: SweepView | null, of: (c: LearningCurves) => readonly (readonly (number | null)[])[], log: boolean): [number, number] | undefined {
  if (!sweep) return undefined;
  const span = (keep: (r: RunView | null) => boolean) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of sweep.runs) {
      if (!r || !keep(r)) continue;
      for (const column of of(r.curves)) {
        for (const v of column) {
          if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    return hi >= lo ? { lo, hi } : null;
  };
  const kept = span((r) => !blewUp(r));
  const other = span(blewUp);
  if (!kept || !other || (other.lo >= kept.lo && other.hi <= kept.hi)) return undefined;
  // With room for the markers at its ends (a value on a decade, a distance of 0 at step 0, on the edge).
  if (log) {
    const lo = Math.pow(10, Math.floor(Math.log10(kept.lo)));
    const hi = Math.pow(10, Math.ceil(Math.log10(kept.hi)));
    return hi > lo ? withEdgeRoom(lo, hi, kept.lo, kept.hi, true) : [lo / 10, hi * 10];
  }
  const [lo, hi] = uPlot.rangeNum(kept.lo, kept.hi, 0.1, true);
  return lo !== null && hi !== null && hi > lo ? withEdgeRoom(lo, hi, kept.lo, kept.hi, false) : undefined;
}

/** The scale of a sweep's chart of one quantity: log when it spans decades, fitted without the runs that blew up; and what its title adds. */
function sweepScale(input: TrainingChartInput, of: (c: LearningCurves) => readonly (readonly (number | null)[])[]): { log: boolean; range: [number, number] | undefined } {
  const log = sweepSpansDecades(input.sweep, of);
  return { log, range: fittedWithoutBlownUp(input.sweep, of, log) };
}

/**
 * A title with "(log scale)" when its axis is; `zeroAtStart`: the quantity is 0 at step 0 (a change
 * from θ₀), which a log axis cannot draw — a σ sweep's kernel chart showed its end dots alone, unsaid.
 */
const scaleSaid = (title: string, log: boolean, zeroAtStart = false, fitted = false): string => {
  const notes = [...(log ? [`log scale${zeroAtStart ? '; 0 at step 0 not drawn' : ''}`] : []), ...(fitted ? ['fitted to the values that did not blow up'] : [])];
  return notes.length ? `${title} (${notes.join('; ')})` : title;
};

/** A column's name as a title: "train loss" → "Train loss". */
function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export const TRAINING_CHARTS: readonly TrainingChartSpec[] = [
  {
    key: 'zeta',
    label: 'Alignment ζ between consecutive layers over training',
    applies: ({ run }) => run.curves.alignment.length > 0,
    build: (input) => {
      // A sweep draws one pair, chosen in the toolbar, one curve per value.
      const pairs = (input.sweep?.runs.find((r) => r !== null && r.curves.alignment.length > 0) ?? input.run).curves.alignment;
      const pair = input.zetaPair !== undefined && input.zetaPair < pairs.length ? input.zetaPair : 0;
      const sweepTitle = `Alignment ζ of ${pairs[pair]?.name ?? 'the first pair of layers'}${pairs.length > 1 ? ` (pair ${pair + 1} of ${pairs.length})` : ''}`;
      return timeModel(
        input.sweep ? sweepTitle : input.run.curves.exactFlow ? 'Alignment ζ: the trained network (points) over the exact flow (line)' : 'Alignment ζ = ‖Wₗ₊₁Wₗ‖/(‖Wₗ₊₁‖‖Wₗ‖) per pair (ζ_top dashed)',
        [{ key: 'y', label: 'ζ', log: false, within: [0, 1], side: 'left' }],
        (c, p) => {
          const colours = cycle(p);
          if (input.sweep) return c.alignment.slice(pair, pair + 1).map((a) => ({ label: `ζ ${a.name}`, colour: colours[pair % colours.length], scale: 'y', column: (cc: LearningCurves) => clean(cc.alignment[pair]?.zeta ?? [], false) }));
          // The bridge: the linear model's exact flow from the same θ₀ as a line, the trained ζ as points
          // over it (ζ_top is ζ for its rank-one layers); it was a dashed line hidden under the trained one.
          if (c.exactFlow) {
            return [
              { label: `ζ ${c.alignment[0]?.name ?? ''}, trained`, colour: colours[0], scale: 'y', points: true, column: (cc: LearningCurves) => clean(cc.alignment[0]?.zeta ?? [], false) },
              { label: '|ζ| of the exact flow', colour: p.foreground, scale: 'y', column: (cc: LearningCurves) => clean(cc.exactFlow?.zeta ?? [], false) },
            ];
          }
          return c.alignment.flatMap((a, i) => [
            { label: `ζ ${a.name}`, colour: colours[i % colours.length], scale: 'y', column: (cc: LearningCurves) => clean(cc.alignment[i].zeta, false) },
            { label: `ζ_top ${a.name}`, colour: colours[i % colours.length], scale: 'y', dashed: true, column: (cc: LearningCurves) => clean(cc.alignment[i].zetaTop, false) },
          ]);
        },
        input,
        input.sweep ? 'ζ' : 'ζ (and ζ_top)',
      );
    },
  },
  {
    key: 'loss',
    label: 'Training and test loss over training, log scale',
    applies: ({ run }) => run.curves.losses.length > 0,
    build: (input) =>
      timeModel(input.sweep ? `${capitalised(input.run.curves.losses[0]?.name ?? 'loss')} (log scale)` : input.run.curves.exactFlow ? 'Loss (log scale): the trained network (points) over the exact flow (line)' : 'Loss (log scale)', [{ key: 'y', label: 'loss', log: true, side: 'left' }], (c, p) => {
        const losses = input.sweep ? c.losses.slice(0, 1) : c.losses;
        const flow = !input.sweep && c.exactFlow;
        const drawn: Line[] = losses.map((l, i) => ({ label: flow && i === 0 ? `${l.name}, trained` : l.name, colour: splitColour(l.name, p), scale: 'y', dashed: isTest(l.name), points: flow && i === 0, column: (cc: LearningCurves) => clean(columnOr(cc.losses[i]?.values, cc.step.length), true) }));
        return flow ? [...drawn, { label: 'loss of the exact flow', colour: p.foreground, scale: 'y', column: (cc: LearningCurves) => clean(cc.exactFlow?.loss ?? [], true) }] : drawn;
      }, input),
  },
  {
    key: 'accuracy',
    label: 'Training and test accuracy over training',
    applies: ({ run }) => run.curves.accuracies.length > 0,
    build: (input) =>
      timeModel(input.sweep ? capitalised(input.run.curves.accuracies[sweepAccuracyIndex(input.run.curves)]?.name ?? 'accuracy') : 'Accuracy', [{ key: 'y', label: 'accuracy', log: false, within: [0, 1], side: 'left' }], (c, p) => {
        const names = c.accuracies.map((a) => a.name);
        const pick = input.sweep ? [sweepAccuracyIndex(c)] : names.map((_, i) => i);
        return pick.map((i) => ({ label: names[i], colour: splitColour(names[i], p), scale: 'y', dashed: isTest(names[i]), column: (cc: LearningCurves) => clean(columnOr(cc.accuracies[i]?.values, cc.step.length), false) }));
      }, input),
  },
  {
    key: 'norms',
    label: 'Weight norm of each layer over training (of the whole network in a sweep)',
    applies: ({ run }) => run.curves.layers.length > 0,
    build: (input) => {
      const { log, range } = sweepScale(input, (c) => [networkNorm(c)]);
      const title = input.sweep ? scaleSaid('Weight norm √Σₗ‖Wₗ‖² of the network', log, false, range !== undefined) : input.run.curves.exactFlow ? 'Weight norms ‖Wₗ‖_F: the trained network (points) over the exact flow (lines)' : 'Weight norms ‖Wₗ‖_F';
      return timeModel(title, [{ key: 'y', label: 'norm', log, side: 'left', ...(range ? { range } : {}) }], (c, p) => {
        // A sweep draws the network's norm, one curve per value, as its distance chart does (a layer per
        // value was too many lines; the sweep was drawn without norms).
        if (input.sweep) return [{ label: 'network', colour: p.foreground, scale: 'y', column: (cc: LearningCurves) => clean(networkNorm(cc), log) }];
        const colours = cycle(p);
        const flow = c.exactFlow;
        const drawn: Line[] = c.layers.map((l, i) => ({ label: flow ? `‖${l.name}‖, trained` : `‖${l.name}‖`, colour: colours[i % colours.length], scale: 'y', points: !!flow, column: (cc: LearningCurves) => clean(cc.layers[i].norm, false) }));
        // The bridge: each layer's norm of the exact flow as a line, in the layer's colour, under its points.
        const flows: Line[] = flow ? c.layers.map((l, i) => ({ label: `‖${l.name}‖ of the exact flow`, colour: colours[i % colours.length], scale: 'y', column: (cc: LearningCurves) => clean(cc.exactFlow?.norms[i] ?? [], false) })) : [];
        return [...drawn, ...flows];
      }, input);
    },
  },
  {
    key: 'distance',
    label: 'Relative distance from initialisation over training, whole network and each layer',
    applies: ({ run }) => run.curves.step.length > 0,
    build: (input) => {
      const { log, range } = sweepScale(input, (c) => [c.distance]);
      return timeModel(input.sweep ? scaleSaid('Distance from initialisation ‖θ − θ₀‖/‖θ₀‖ of the network', log, true, range !== undefined) : 'Distance from initialisation ‖θ − θ₀‖/‖θ₀‖ (layers dashed)', [{ key: 'y', label: 'distance', log, side: 'left', ...(range ? { range } : {}) }], (c, p) => {
        const colours = cycle(p);
        const whole: Line = { label: 'network', colour: p.foreground, scale: 'y', column: (cc) => clean(cc.distance, log) };
        if (input.sweep) return [whole];
        return [whole, ...c.layers.map((l, i): Line => ({ label: l.name, colour: colours[i % colours.length], scale: 'y', dashed: true, column: (cc) => clean(cc.layers[i].distance, false) }))];
      }, input);
    },
  },
  {
    key: 'kernel',
    label: 'Change of the tangent kernel and of the tangent features on the probe batch',
    // In a sweep too, one curve per value (the kernel test of the width examples was in no chart of it).
    applies: ({ run, sweep }) => (sweep ? sweep.runs.some((r) => r !== null && r.curves.kernel.some((k) => k.values.some((v) => v !== null))) : run.curves.kernel.some((k) => k.values.some((v) => v !== null))),
    build: (input) => {
      const { log, range } = sweepScale(input, (c) => c.kernel.map((k) => k.values));
      return timeModel(input.sweep ? scaleSaid('Tangent kernel ‖K − K₀‖/‖K₀‖ (features ‖J − J₀‖/‖J₀‖ dashed, probe batch)', log, true, range !== undefined) : 'Tangent kernel ‖K − K₀‖/‖K₀‖ and features ‖J − J₀‖/‖J₀‖ (probe batch)', [{ key: 'y', label: 'change', log, side: 'left', ...(range ? { range } : {}) }], (c, p) =>
        c.kernel.map((k, i) => ({ label: k.name, colour: i === 0 ? p.purple : p.yellow, scale: 'y', dashed: i > 0, column: (cc: LearningCurves) => clean(columnOr(cc.kernel[i]?.values, cc.step.length), log) })), input, 'the tangent kernel (and features)');
    },
  },
  {
    key: 'sweepZeta',
    label: 'Final alignment of each pair of layers against the swept value, initial alignment dashed',
    applies: ({ sweep }) => someTrained(sweep) && sweep!.runs.some((r) => r !== null && r.curves.alignment.length > 0),
    build: ({ sweep, palette }) => {
      const s = sweep!;
      const pairs = s.runs.find((r) => r)?.curves.alignment.map((a) => a.name) ?? [];
      const colours = cycle(palette);
      return sweepModel(`Final ζ against ${s.key} (initial ζ dashed)`, [{ key: 'y', label: 'ζ', log: false, within: [0, 1], side: 'left' }], s, pairs.flatMap((name, i) => [
        { label: `ζ ${name}, end`, colour: colours[i % colours.length], scale: 'y', value: (r: RunView) => lastMeasured(r.curves.alignment[i]?.zeta ?? []) },
        { label: `ζ ${name}, start`, colour: colours[i % colours.length], scale: 'y', dashed: true, value: (r: RunView) => firstMeasured(r.curves.alignment[i]?.zeta ?? []) },
      ]));
    },
  },
  {
    key: 'sweepAccuracy',
    label: 'Best test accuracy against the swept value',
    applies: ({ sweep }) => someTrained(sweep) && sweep!.runs.some((r) => r?.bestAccuracy !== null && r?.bestAccuracy !== undefined),
    build: ({ sweep, palette }) => sweepModel(`Best test accuracy against ${sweep!.key}`, [{ key: 'y', label: 'accuracy', log: false, side: 'left' }], sweep!, [{ label: 'best test accuracy', colour: palette.green, scale: 'y', value: (r) => r.bestAccuracy }]),
  },
  {
    key: 'sweepDistance',
    label: 'Final distance from initialisation against the swept value',
    // The paper's Fig. 4 reads each phase off this distance and the best test accuracy: across widths it
    // falls as a power of the width in the kernel phase, a straight line on log axes.
    applies: ({ sweep }) => someTrained(sweep) && sweep!.runs.some((r) => r !== null && lastMeasured(r.curves.distance) !== null),
    build: ({ sweep, palette }) => {
      const s = sweep!;
      const value = (r: RunView) => lastMeasured(r.curves.distance);
      const finals = s.runs.flatMap((r) => (r === null || untrained(r) ? [] : [value(r)])).filter((v): v is number => v !== null && Number.isFinite(v));
      return sweepModel(`Final distance from initialisation ‖θ − θ₀‖/‖θ₀‖ against ${s.key}`, [{ key: 'y', label: 'distance', log: prefersLogAxis(finals), side: 'left' }], s, [{ label: 'final distance', colour: palette.foreground, scale: 'y', value }]);
    },
  },
  {
    key: 'sweepNorm',
    label: 'Final weight norm against the swept value',
    applies: ({ sweep }) => someTrained(sweep) && sweep!.runs.some((r) => r?.finalNorm !== null && r?.finalNorm !== undefined),
    build: ({ sweep, palette }) => sweepModel(`Final weight norm √Σₗ‖Wₗ‖² against ${sweep!.key}`, [{ key: 'y', label: 'norm', log: false, side: 'left' }], sweep!, [{ label: 'final weight norm', colour: palette.orange, scale: 'y', value: (r) => r.finalNorm }]),
  },
];

/** The statuses of a run that has not ended: its label describes the records so far. */
export const SO_FAR: ReadonlySet<RunView['status']> = new Set(['training', 'stopped', 'loading']);

/**
 * What a sweep value's run is, in the legend's and the figure key's words: its label (with "so far"
 * while it trains), "diverged", "loss not finite at start" (`notTrained`: its loss not finite at θ₀), "failed" (its data or set-up refused: in Problems),
 * "died" (a ReLU layer dead at the end), "collapsed", "loss blew up", or — before it has one.
 */
export function sweepRunLabel(run: RunView | null): string {
  if (run?.status === 'diverged') return 'diverged';
  if (run?.status === 'notTrained') return 'loss not finite at start';
  if (run?.status === 'failed') return 'failed';
  if (run?.blownUp) return `${run.blownUp}${SO_FAR.has(run.status) ? ' so far' : ''}`;
  return run?.verdict?.label ? `${run.verdict.label}${SO_FAR.has(run.status) ? ' so far' : ''}` : '—';
}
