/**
 * The run's summary as plain text in the DOM: each value in an element whose `data-summary`
 * attribute names it (the testing contract of issue 3), numbers with at least 6 significant digits.
 */
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import { formatNumber } from '../shared/numberFormat';

/** The regime/mechanism label from the core's classifier; "—" where there is none (e.g. a diverged run). */
function labelText(label: string | null | undefined): string {
  return typeof label === 'string' && label.trim() ? label : '—';
}

interface Item {
  key: string;
  name: string;
  value: string;
  hint?: string;
}

/** Summary fields of newer cores (finite rates, weight decay), read defensively. */
interface SummaryExtras {
  catapult?: { fromStep: number; toStep: number; peakLoss: number } | null;
  maxStableRateScale?: number | null;
  weightDecay?: number;
}

function extrasOf(tr: Trajectory): SummaryExtras {
  return tr.summary as Trajectory['summary'] & SummaryExtras;
}

/** Gradient-descent facts (catapult, stability, divergence) of a run, keys prefixed for the simulation. */
function descentItems(tr: Trajectory, prefix: string, who: string): Item[] {
  const x = extrasOf(tr);
  const list: Item[] = [];
  if (tr.summary.diverged) list.push({ key: `${prefix}diverged`, name: `${who}diverged at step`, value: formatNumber(tr.summary.diverged.step) });
  if (x.catapult) {
    list.push({ key: `${prefix}catapult`, name: `${who}catapult (steps)`, value: `${formatNumber(x.catapult.fromStep)}–${formatNumber(x.catapult.toStep)}` });
    list.push({ key: `${prefix}catapult-peak`, name: `${who}catapult peak loss`, value: formatNumber(x.catapult.peakLoss) });
  }
  if (x.maxStableRateScale != null) list.push({ key: `${prefix}max-stable-rate-scale`, name: `${who}stable up to rates ×`, value: formatNumber(x.maxStableRateScale) });
  return list.map((item) => ({ ...item, name: item.name.charAt(0).toUpperCase() + item.name.slice(1) }));
}

function items(tr: Trajectory, simulation: Trajectory | null, deviation: number | null): Item[] {
  const s = tr.summary;
  const ntkChange = s.ntkInitial && s.ntkFinal != null ? s.ntkFinal / s.ntkInitial : null;
  const list: Item[] = [
    { key: 'label', name: 'Regime / mechanism', value: labelText(s.label) },
    { key: 'zeta-final', name: 'ζ final', value: formatNumber(s.zetaFinal), hint: s.zetaFinal === null ? 'undefined: u = 0 or W n = 0' : undefined },
    { key: 'zeta-initial', name: 'ζ initial', value: formatNumber(s.zetaInitial), hint: s.zetaInitial === null ? 'undefined: u = 0 or W n = 0' : undefined },
    { key: 'loss-final', name: 'Loss final', value: formatNumber(s.lossFinal) },
    { key: 'loss-initial', name: 'Loss initial', value: formatNumber(s.lossInitial) },
    { key: 'ntk-change', name: 'K(T)/K(0)', value: formatNumber(ntkChange) },
    { key: 'omega', name: 'Rate ω', value: formatNumber(s.omega) },
    { key: 'plateau', name: 'Plateau time', value: s.plateauTime === null ? 'none' : formatNumber(s.plateauTime) },
    { key: 'horizon', name: 'Horizon T', value: formatNumber(s.horizon) },
    { key: 'lambda', name: 'λ', value: formatNumber(s.lambda) },
    { key: 'width', name: 'Width d', value: formatNumber(s.width) },
    { key: 'solver', name: 'Solver', value: s.solver === 'exact' ? 'exact (gradient flow)' : 'gradient descent' },
  ];
  if (s.scores) {
    list.push(
      { key: 'kernel-change', name: 'max |K/K(0) − 1|', value: formatNumber(s.scores.kernelChange) },
      { key: 'zeta-change', name: '|ζ| change', value: formatNumber(s.scores.zetaChange) },
      { key: 'norm-change-u', name: 'ln(|u| / |u₀|)', value: formatNumber(s.scores.normChangeU) },
      { key: 'norm-change-w', name: 'ln(‖W‖ / ‖W₀‖)', value: formatNumber(s.scores.normChangeW) },
    );
  }
  if (s.limit) list.push({ key: 'limit-zeta', name: 'ζ as t → ∞', value: formatNumber(s.limit.zeta) });
  const rho = extrasOf(tr).weightDecay;
  if (rho) list.push({ key: 'weight-decay', name: 'Weight decay ρ', value: formatNumber(rho) });
  list.push(...descentItems(tr, '', ''));
  if (simulation) {
    list.push({ key: 'deviation', name: 'Max |ζ_GD − ζ_exact|', value: formatNumber(deviation) });
    list.push(...descentItems(simulation, 'simulation-', 'GD '));
  }
  return list;
}

export class SummaryView {
  readonly element: HTMLElement;
  private readonly list: HTMLDListElement;

  constructor() {
    this.element = document.createElement('section');
    this.element.className = 'summary';
    this.element.setAttribute('aria-label', 'Summary of the run');
    this.list = document.createElement('dl');
    this.element.append(this.list);
  }

  /** Replaces the summary with this result's values. */
  show(tr: Trajectory, simulation: Trajectory | null, deviation: number | null): void {
    const fragment = document.createDocumentFragment();
    for (const item of items(tr, simulation, deviation)) {
      const entry = document.createElement('div');
      entry.className = 'summary-item';
      const dt = document.createElement('dt');
      dt.textContent = item.name;
      const dd = document.createElement('dd');
      dd.dataset.summary = item.key;
      dd.textContent = item.value;
      if (item.hint) dd.title = item.hint;
      entry.append(dt, dd);
      fragment.append(entry);
    }
    this.list.replaceChildren(fragment);
  }
}
