/**
 * The run's summary as plain text in the DOM, in groups (the run, its time scales, its scores,
 * gradient descent, descent against flow): each value in an element whose `data-summary` attribute
 * names it (the testing contract of issue 3), numbers with at least 6 significant digits, and every
 * name defined in the paper's words (definitions.ts), on hover and on focus: the names are one tab
 * stop, the arrow keys move between them (definitionTip.ts). A heading says which run it describes.
 */
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import type { Deviation } from '../../src/protocol/dynamics';
import { el } from '../shared/dom';
import { defineTerm, RovingFocus } from '../shared/definitionTip';
import { formatReadout } from '../shared/numberFormat';
import { DEFINITIONS } from './definitions';

interface Item {
  key: string;
  name: string;
  value: string;
  /** The name's definition, shown on hover and on focus. */
  definition?: string;
  /** A note on the value (why it is undefined). */
  hint?: string;
}

interface Group {
  key: string;
  title: string;
  items: Item[];
}

/** Gradient-descent facts (catapult, stability, divergence) of a run, keys prefixed for the simulation. */
function descentItems(tr: Trajectory, prefix: string): Item[] {
  const s = tr.summary;
  const list: Item[] = [];
  if (s.diverged) list.push({ key: `${prefix}diverged`, name: 'Diverged at step', value: formatReadout(s.diverged.step), definition: DEFINITIONS.diverged });
  if (s.dead) list.push({ key: `${prefix}dead`, name: 'ReLU units all dead from step', value: formatReadout(s.dead.step), definition: DEFINITIONS.dead });
  if (s.catapult) {
    list.push({ key: `${prefix}catapult`, name: 'Catapult (steps)', value: `${formatReadout(s.catapult.fromStep)}–${formatReadout(s.catapult.toStep)}`, definition: DEFINITIONS.catapult });
    list.push({ key: `${prefix}catapult-peak`, name: 'Catapult peak loss', value: formatReadout(s.catapult.peakLoss), definition: DEFINITIONS.catapult });
  }
  if (s.maxStableRateScale != null) list.push({ key: `${prefix}max-stable-rate-scale`, name: 'Stable up to rates ×', value: formatReadout(s.maxStableRateScale), definition: DEFINITIONS.maxStableRateScale });
  return list;
}

/** The name of a drawn quantity in the deviations group. */
const DEVIATION_NAMES: Record<string, string> = {
  zeta: 'ζ',
  loss: 'Loss',
  objective: 'Objective',
  normU: '|u|',
  normW: '‖W‖_F',
  ntk: 'K/K(0)',
  distance: '‖θ − θ₀‖/‖θ₀‖',
};

/** A deviation as the summary prints it: largest value, how it is measured, where. */
export function deviationText(d: Deviation): string {
  const value = d.measure === 'decades' ? `${formatReadout(d.max, 3)} decades` : d.measure === 'relative' ? `${formatReadout(100 * d.max, 3)} % of the flow's largest` : formatReadout(d.max);
  return `${value} at t = ${formatReadout(d.at)}`;
}

function groups(tr: Trajectory, simulation: Trajectory | null, deviations: readonly Deviation[]): Group[] {
  const s = tr.summary;
  const ntkChange = s.ntkInitial && s.ntkFinal != null ? s.ntkFinal / s.ntkInitial : null;
  const undefinedZeta = 'undefined: u = 0 or W n = 0';
  const run: Item[] = [
    { key: 'zeta-initial', name: 'ζ initial', value: formatReadout(s.zetaInitial), definition: DEFINITIONS.zeta, hint: s.zetaInitial === null ? undefinedZeta : undefined },
    { key: 'zeta-final', name: 'ζ final', value: formatReadout(s.zetaFinal), definition: DEFINITIONS.zeta, hint: s.zetaFinal === null ? undefinedZeta : undefined },
    { key: 'loss-initial', name: 'Loss initial', value: formatReadout(s.lossInitial), definition: DEFINITIONS.loss },
    { key: 'loss-final', name: 'Loss final', value: formatReadout(s.lossFinal), definition: DEFINITIONS.loss },
    { key: 'ntk-change', name: 'K(T)/K(0)', value: formatReadout(ntkChange), definition: `${DEFINITIONS.ntkRatio} ${DEFINITIONS.ntk}` },
  ];
  if (s.limit) run.push({ key: 'limit-zeta', name: 'ζ as t → ∞', value: formatReadout(s.limit.zeta), definition: DEFINITIONS.limitZeta });
  const times: Item[] = [
    { key: 'lambda', name: 'λ', value: formatReadout(s.lambda), definition: DEFINITIONS.lambda },
    { key: 'omega', name: 'Rate ω', value: formatReadout(s.omega), definition: DEFINITIONS.omega },
    { key: 'plateau', name: 'Plateau time', value: s.plateauTime === null ? 'none' : formatReadout(s.plateauTime), definition: DEFINITIONS.plateau },
    { key: 'horizon', name: s.solver === 'exact' ? 'Horizon T' : 'Steps', value: formatReadout(s.horizon), definition: DEFINITIONS.horizon },
    { key: 'width', name: 'Width d', value: formatReadout(s.width), definition: DEFINITIONS.width },
    { key: 'solver', name: 'Solver', value: s.solver === 'exact' ? 'exact (gradient flow)' : 'gradient descent', definition: DEFINITIONS.solver },
  ];
  if (s.weightDecay) times.push({ key: 'weight-decay', name: 'Weight decay ρ', value: formatReadout(s.weightDecay), definition: DEFINITIONS.weightDecay });
  const scores: Item[] = s.scores
    ? [
        { key: 'kernel-change', name: 'max |K/K(0) − 1|', value: formatReadout(s.scores.kernelChange), definition: DEFINITIONS.kernelChange },
        { key: 'tangent-change', name: 'Tangent-feature change', value: s.scores.tangentChange === null ? 'not computed' : formatReadout(s.scores.tangentChange), definition: DEFINITIONS.tangentChange },
        { key: 'zeta-change', name: '|ζ| change', value: formatReadout(s.scores.zetaChange), definition: DEFINITIONS.zetaChange },
        { key: 'balance-change', name: 'Balance change', value: formatReadout(s.scores.balanceChange), definition: DEFINITIONS.balanceChange },
        { key: 'norm-change-u', name: 'ln(|u| / |u₀|)', value: formatReadout(s.scores.normChangeU), definition: DEFINITIONS.normChangeU },
        { key: 'norm-change-w', name: 'ln(‖W‖ / ‖W₀‖)', value: formatReadout(s.scores.normChangeW), definition: DEFINITIONS.normChangeW },
        // What the label says: the value at the end of the run drawn (t = T, the last step), as the
        // chart shows it — the score itself is taken over [0, ∞) for the exact flow.
        { key: 'distance', name: '‖θ − θ₀‖/‖θ₀‖ at the end', value: formatReadout(tr.distance.length > 0 ? tr.distance[tr.distance.length - 1] : null), definition: DEFINITIONS.distance },
      ]
    : [];
  if (s.scores && s.solver === 'exact' && s.limit) scores.push({ key: 'distance-limit', name: '‖θ − θ₀‖/‖θ₀‖ as t → ∞', value: formatReadout(s.scores.distance), definition: DEFINITIONS.distance });
  const out: Group[] = [
    { key: 'run', title: 'Run', items: run },
    { key: 'times', title: 'Time scales', items: times },
    { key: 'scores', title: 'Scores', items: scores },
  ];
  const descent = [...descentItems(tr, ''), ...(simulation ? descentItems(simulation, 'simulation-') : [])];
  if (descent.length > 0) out.push({ key: 'descent', title: simulation ? 'Gradient descent at these rates' : 'Gradient descent', items: descent });
  if (simulation) {
    const zeta = deviations.find((d) => d.column === 'zeta');
    const items: Item[] = [{ key: 'deviation', name: 'Max |ζ_GD − ζ_exact|', value: formatReadout(zeta?.max ?? null), definition: DEFINITIONS.deviation }];
    for (const d of deviations) {
      if (d.column === 'zeta') continue;
      items.push({ key: `deviation-${d.column}`, name: `${DEVIATION_NAMES[d.column] ?? d.column}: largest deviation`, value: deviationText(d), definition: DEFINITIONS.deviation });
    }
    items.push({ key: 'simulation-loss-final', name: 'GD loss final', value: formatReadout(simulation.summary.lossFinal), definition: DEFINITIONS.loss });
    out.push({ key: 'deviations', title: 'Descent against flow', items });
  }
  return out.filter((g) => g.items.length > 0);
}

export class SummaryView {
  readonly element: HTMLElement;
  private readonly heading = el('h2', 'summary-heading');
  private readonly body = el('div', 'summary-body');
  private readonly roving = new RovingFocus(this.body, 'dt.defined', (dt) => dt.dataset.term ?? '');

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'summary';
    this.element.setAttribute('aria-label', 'Summary of the run');
    const keys = el('p', 'visually-hidden', 'The names are one tab stop: the arrow keys move between them, and each one\'s definition shows while it has focus.');
    keys.id = 'summary-keys';
    this.element.setAttribute('aria-describedby', keys.id);
    this.element.append(this.heading, keys, this.body);
  }

  /** Replaces the summary with this result's values; `which` says which run it describes. */
  show(tr: Trajectory, simulation: Trajectory | null, deviations: readonly Deviation[], which: string): void {
    this.heading.textContent = `Summary: ${which}`;
    this.heading.dataset.summaryOf = which;
    const hadFocus = this.body.contains(document.activeElement);
    const fragment = document.createDocumentFragment();
    for (const group of groups(tr, simulation, deviations)) {
      const section = el('div', 'summary-group');
      section.dataset.group = group.key;
      const title = el('h3', 'summary-group-title', group.title);
      const list = document.createElement('dl');
      for (const item of group.items) {
        const entry = el('div', 'summary-item');
        const dt = el('dt', undefined, item.name);
        dt.dataset.term = item.key;
        const dd = el('dd', undefined, item.value);
        dd.dataset.summary = item.key;
        // What the value's note says (why it is undefined) is read with the name's definition too,
        // shown over the name or the value. Under the value, not over it.
        if (item.definition) defineTerm(dt, item.hint ? `${item.definition} Here: ${item.hint}.` : item.definition, { focusable: false, anchor: entry, hoverTargets: [dt, dd] });
        entry.append(dt, dd);
        list.append(entry);
      }
      section.append(title, list);
      fragment.append(section);
    }
    this.body.replaceChildren(fragment);
    this.roving.refresh(hadFocus);
  }
}
