/**
 * The verdict, first in the panel under its title (docs/panel.md, "The verdict"): the label, then
 * each criterion of the labelling rule with its score against its threshold, which criteria decided,
 * and why in words (src/core/mechanisms/explain.ts) — so that a label explains itself: a kernel
 * change of 0.089 below 0.1 that is still "alignment" because the tangent features moved by 0.207;
 * a "kernel" run whose ζ went to 1 because the moving layer is too small to change the kernel.
 */
import { labelColour } from '../../src/core/analysis/phase/phaseStyle';
import { deadRunNote, STATIONARY_NOTE } from '../../src/core/descent/deadUnits';
import type { ClassifyThresholds } from '../../src/core/mechanisms/classify';
import { digitsAgainst, explainLabel, formatExact, formatSignificant } from '../../src/core/mechanisms/explain';
import type { Trajectory } from '../../src/core/trajectory/trajectory';
import { defineTerm, RovingFocus } from '../shared/definitionTip';
import { el } from '../shared/dom';
import { formatReadout } from '../shared/numberFormat';
import { CRITERION_TEXT, DEFINITIONS } from './definitions';

/** Which run the verdict is about, in words. */
export interface VerdictSubject {
  run: Trajectory;
  thresholds: ClassifyThresholds;
  /** "exact gradient flow", "gradient descent at the experiment's rates", … */
  what: string;
  /** For a sweep: which run ("outputScale = 0.01, the file's value"); null otherwise. */
  which: string | null;
  /** The other run's label, when both are drawn ("gradient descent at these rates: alignment"). */
  also: string | null;
}

export class VerdictView {
  readonly element = el('section', 'verdict');
  private readonly label = el('span', 'verdict-label');
  private readonly regime = el('span', 'verdict-regime');
  private readonly which = el('span', 'verdict-which');
  private readonly criteria = el('ul', 'criteria');
  private readonly reasons = el('div', 'verdict-reasons');
  private readonly also = el('p', 'verdict-also');
  private readonly roving = new RovingFocus(this.criteria, '.criterion-name', (name) => name.closest<HTMLElement>('[data-criterion]')?.dataset.criterion ?? '');

  constructor() {
    this.element.setAttribute('aria-label', 'Verdict: the label and why');
    this.element.setAttribute('aria-live', 'polite');
    this.label.dataset.summary = 'label';
    defineTerm(this.label, DEFINITIONS.label);
    const head = el('div', 'verdict-head');
    head.append(this.label, this.regime, this.which);
    this.criteria.setAttribute('aria-label', 'The criteria of the label, each score against its threshold: one tab stop, the arrow keys move between them');
    this.element.append(head, this.criteria, this.reasons, this.also);
    this.element.hidden = true;
  }

  show(subject: VerdictSubject): void {
    const { run, thresholds } = subject;
    const s = run.summary;
    this.element.hidden = false;
    this.which.textContent = subject.which ? `for ${subject.which}` : '';
    this.which.hidden = !subject.which;
    this.also.textContent = subject.also ?? '';
    this.also.hidden = !subject.also;
    const label = typeof s.label === 'string' && s.label.trim() ? s.label : null;
    const colour = label ? labelColour(label) : null;
    this.label.textContent = label ?? '—';
    // The label's colour of the phase diagram (phaseStyle.ts), through CSSOM: allowed under the CSP.
    if (colour) this.element.style.setProperty('--label-colour', colour);
    else this.element.style.removeProperty('--label-colour');
    this.element.dataset.label = label ?? '';
    // A dead ReLU network (summary.dead): why it has no label, and from which step.
    this.element.dataset.dead = s.dead ? String(s.dead.step) : '';
    if (!label || !s.scores) {
      this.regime.textContent = s.diverged ? `no label: ${subject.what} diverged at step ${formatReadout(s.diverged.step)}` : s.dead ? `no label (${subject.what}): ${deadRunNote(s.dead.step)}` : s.stationary ? `no label (${subject.what}): ${STATIONARY_NOTE}` : `no label (${subject.what})`;
      this.criteria.replaceChildren();
      this.reasons.replaceChildren();
      return;
    }
    const e = explainLabel(s.scores, thresholds, { zetaInitial: s.zetaInitial, zetaFinal: s.zetaFinal });
    const hadFocus = this.criteria.contains(document.activeElement);
    this.regime.textContent = `${e.regime} · ${subject.what}`;
    this.criteria.replaceChildren(
      ...e.criteria.map((c) => {
        const text = CRITERION_TEXT[c.name];
        const item = el('li', 'criterion');
        item.dataset.criterion = c.name;
        item.dataset.reached = String(c.reached);
        item.dataset.decisive = String(c.decisive);
        const name = el('span', 'criterion-name', text.name);
        // Enough digits that the score stays on its side of the threshold printed beside it.
        const printed = c.value === null || c.compared === null ? '—' : formatSignificant(c.value, digitsAgainst(c.compared, [c.threshold]));
        const value = el('span', 'criterion-value', c.name === 'zetaChange' && c.value !== null && c.value > 0 ? `+${printed}` : printed);
        value.dataset.criterionValue = c.value === null ? '' : String(c.value);
        const sign = c.reached === null ? '' : c.reached ? '≥' : '<';
        const test = el('span', 'criterion-test', c.reached === null ? `vs ${formatExact(c.threshold)}` : `${c.name === 'zetaChange' ? '|·| ' : ''}${sign} ${formatExact(c.threshold)}`);
        test.dataset.threshold = String(c.threshold);
        const outcome = el('span', 'criterion-outcome', c.outcome);
        item.append(name, value, test, outcome);
        // One definition a row, on the name's focus or a hover anywhere on the row: what the score
        // is, its value in full and where its threshold comes from.
        const score = c.value === null ? `${text.symbol} is undefined here` : `Here ${text.symbol} = ${formatReadout(c.value)}`;
        defineTerm(name, `${text.symbol}: ${text.definition} ${score}; its threshold ${formatExact(c.threshold)} is the file's "classify" over the defaults.`, { focusable: false, hoverTargets: [item] });
        return item;
      }),
    );
    this.roving.refresh(hadFocus);
    const reasons = e.reasons.map((r) => {
      const p = el('p', 'verdict-reason', r);
      p.dataset.reason = '';
      return p;
    });
    const notes = e.notes.map((n) => {
      const p = el('p', 'verdict-note', n);
      p.dataset.note = '';
      return p;
    });
    this.reasons.replaceChildren(...reasons, ...notes);
  }

  hide(): void {
    this.element.hidden = true;
  }
}
