/**
 * Definitions reachable by mouse and by keyboard (docs/panel.md, "Definitions"): a term's definition
 * is a tooltip (role=tooltip) shown while the pointer is over the term or the tooltip, or while the
 * term has focus, and hidden when both leave or on Escape (WAI-ARIA APG, "Tooltip"; WCAG 1.4.13:
 * dismissible, hoverable, persistent). The term refers to it by aria-describedby, so assistive
 * technology reads the definition with the term, shown or not.
 *
 * The tooltips live in one layer at the end of the body, positioned in the viewport: inside the
 * panel, the greyed (filtered) result would grey them too and a scrolling list would clip them — all
 * but a number field's and its slider's, which the controls' hints hold in the page's flow (`inline`,
 * webview/dynamics/controls.ts): over the page they hid the row above or covered the row below.
 *
 * Many names in a row (the summary, the criteria) are one tab stop, not one each: `rovingFocus`
 * makes the arrow keys move between them (APG, "Managing focus within components using a roving
 * tabindex"), so Tab goes past the list in one press.
 */
import { el, rovingStep } from './dom';

interface Tip {
  term: HTMLElement;
  tip: HTMLElement;
  /**
   * In the page's flow where its caller puts it, not over it (a number field's: drawn over the page, it
   * hid the row above): its caller keeps its room (the controls' hints), so it covers nothing.
   */
  inline: boolean;
  /** What the tooltip is placed beside: the term, or what holds it and its value (not to cover the value). */
  anchor: HTMLElement;
  /** defineTerm put the term in the tab order (undefineTerm takes it out again). */
  madeFocusable: boolean;
  /** The other ids the term's aria-describedby names (an error message's). */
  alsoDescribedBy: string[];
  /** The pointer may move onto the tooltip, shown by a hover, without it going (a term's definition; not a control's hint). */
  hoverable: boolean;
}

let layer: HTMLElement | null = null;
let counter = 0;
const tips = new Map<HTMLElement, Tip>();
let shown: Tip | null = null;
let hoverTimer = 0;

/** Over a term, the pointer waits this long before its definition shows (a glance across the list shows nothing). */
const HOVER_DELAY_MS = 250;

function theLayer(): HTMLElement {
  if (layer?.isConnected) return layer;
  layer = el('div', 'definition-layer');
  document.body.append(layer);
  // Escape hides the definition shown, wherever focus is (a hover's too), and nothing else.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && shown) hide(shown);
  });
  // The page scrolling (focus brings a term into view) or resizing: the definition follows its term.
  window.addEventListener('scroll', () => shown && place(shown), true);
  window.addEventListener('resize', () => shown && place(shown));
  return layer;
}

let sweepQueued = false;

/**
 * Removes the tooltips of terms no longer in the page (their list was drawn again): after the task
 * that defines terms, which may build them in a fragment before putting it in the page.
 */
function queueSweep(): void {
  if (sweepQueued) return;
  sweepQueued = true;
  queueMicrotask(() => {
    sweepQueued = false;
    sweep();
  });
}

function sweep(): void {
  for (const [term, t] of tips) {
    if (term.isConnected) continue;
    if (shown === t) shown = null;
    t.tip.remove();
    tips.delete(term);
  }
}

function hide(t: Tip): void {
  t.tip.hidden = true;
  if (shown === t) shown = null;
}

/**
 * Shows `t`'s tooltip; `byHover`: the pointer is over the term. Only a hoverable tooltip shown by a hover
 * takes the pointer; otherwise clicks go through it to what it covers — a definition pinned by focus, or a
 * control's hint, covered the next row's field or a sweep's values and swallowed the click meant for them.
 */
function show(t: Tip, byHover: boolean): void {
  if (shown && shown !== t) hide(shown);
  const following = shown === t;
  shown = t;
  t.tip.classList.toggle('hoverable', byHover && t.hoverable);
  t.tip.hidden = false;
  if (t.inline) return;
  place(t);
  if (!following) requestAnimationFrame(() => follow(t));
}

/**
 * Keeps a shown definition beside its term while the page moves under it — a new result redrawing the
 * verdict above the controls moved a hovered option down, and the fixed tooltip then covered the
 * options beside it (and, being hoverable, stayed there under the pointer). One measure a frame, while
 * it is shown.
 */
function follow(t: Tip): void {
  if (shown !== t) return;
  place(t);
  requestAnimationFrame(() => follow(t));
}

function place(t: Tip): void {
  const tip = t.tip;
  // Under the term, or above it when the viewport has no room below; kept inside the viewport.
  const r = t.anchor.getBoundingClientRect();
  const margin = 4;
  const width = tip.offsetWidth;
  const height = tip.offsetHeight;
  const left = Math.max(margin, Math.min(r.left, window.innerWidth - width - margin));
  const below = r.bottom + margin;
  const above = r.top - margin - height;
  const fitsBelow = below + height <= window.innerHeight - margin;
  const fitsAbove = above >= margin;
  const top = fitsBelow || !fitsAbove ? below : above;
  // CSSOM, not a style attribute: allowed under the CSP.
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}

/**
 * Gives `term` its definition: shown on hover (of `hoverTargets`, the term by default) and on focus,
 * read by assistive technology through aria-describedby. `focusable` (default true) puts the term in
 * the tab order; false for a term whose focus `rovingFocus` manages, or which is focusable already.
 * `control`: the term is a control (a button, a slider) and the text its hint — what a `title` would
 * have said, shown on keyboard focus too: the control keeps its own tab order and pointer.
 * `hoverable` (default: a term's definition is, a control's hint is not): the pointer may move onto the
 * tooltip shown by a hover without it going; a hint that is not lets the pointer through to what it
 * covers, as a title's would.
 * `inline`: the tooltip is not put over the page; the caller puts the element returned in the page's
 * flow, and keeps its room there, so that it covers nothing and moves nothing when shown (a number
 * field's and its slider's, in the controls' hints).
 * Replaces any `title` (whose native tooltip would show the same text twice, and never on focus);
 * the panels set no `title` of their own (docs/panel.md, "Definitions").
 */
export function defineTerm(term: HTMLElement, definition: string, options: { focusable?: boolean; control?: boolean; hoverable?: boolean; hoverTargets?: HTMLElement[]; describedBy?: string[]; inline?: boolean; anchor?: HTMLElement } = {}): HTMLElement {
  queueSweep();
  const existing = tips.get(term);
  if (existing) {
    existing.tip.textContent = definition;
    return existing.tip;
  }
  const tip = el('div', 'definition-tip', definition);
  tip.id = `definition-${++counter}`;
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  if (options.inline) tip.classList.add('inline');
  else theLayer().append(tip);
  const madeFocusable = options.focusable !== false && !options.control;
  const t: Tip = { term, tip, inline: options.inline === true, anchor: options.anchor ?? term, madeFocusable, alsoDescribedBy: options.describedBy ?? [], hoverable: options.hoverable ?? !options.control };
  tips.set(term, t);
  term.removeAttribute('title');
  if (!options.control) term.classList.add('defined');
  term.setAttribute('aria-describedby', [tip.id, ...t.alsoDescribedBy].join(' '));
  if (madeFocusable) term.tabIndex = 0;
  // After undefineTerm the listeners stay, and show nothing.
  const live = (): boolean => tips.get(term) === t;
  const hoverTargets = options.hoverTargets ?? [term];
  const leaving = (e: MouseEvent): void => {
    window.clearTimeout(hoverTimer);
    const to = e.relatedTarget as Node | null;
    // Onto the tooltip, back to the term, or while the term keeps focus: it stays.
    if (to && (tip.contains(to) || hoverTargets.some((h) => h.contains(to)))) return;
    if (document.activeElement === term) return;
    hide(t);
  };
  for (const target of hoverTargets) {
    target.removeAttribute('title');
    target.addEventListener('mouseenter', () => {
      window.clearTimeout(hoverTimer);
      if (live()) hoverTimer = window.setTimeout(() => show(t, true), shown ? 0 : HOVER_DELAY_MS);
    });
    target.addEventListener('mouseleave', leaving);
  }
  tip.addEventListener('mouseleave', leaving);
  // A control clicked with the pointer takes focus too: its hint waits for the hover's delay, as a title
  // would, and shows at once on keyboard focus only (:focus-visible).
  term.addEventListener('focus', () => live() && (!options.control || focusVisible(term)) && show(t, false));
  term.addEventListener('blur', () => hide(t));
  return tip;
}

/** Whether `el` has focus the browser would draw a ring for (keyboard focus): for a toolkit button, its inner button's. */
function focusVisible(el: HTMLElement): boolean {
  return el.matches(':focus-visible') || el.shadowRoot?.activeElement?.matches(':focus-visible') === true;
}

/**
 * Takes `term`'s definition away (a hint that no longer holds, such as why a control is disabled):
 * no tooltip, no description, and out of the tab order if defineTerm put it there. Defining it
 * again later gives it a new tooltip.
 */
export function undefineTerm(term: HTMLElement): void {
  const t = tips.get(term);
  if (!t) return;
  hide(t);
  t.tip.remove();
  tips.delete(term);
  term.classList.remove('defined');
  if (t.alsoDescribedBy.length > 0) term.setAttribute('aria-describedby', t.alsoDescribedBy.join(' '));
  else term.removeAttribute('aria-describedby');
  if (t.madeFocusable) term.removeAttribute('tabindex');
}

/**
 * One tab stop for the terms in `container` that match `selector`: the last one focused (the first
 * at the start) is in the tab order, the others not; ↑/↓ and ←/→ move between them, Home and End go
 * to the ends. Call again after the terms are drawn again: `current` (the key of
 * `keyOf(term)`) keeps the place, and focus stays on that term if the list had it.
 */
export class RovingFocus {
  private current: string | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly selector: string,
    private readonly keyOf: (term: HTMLElement) => string,
  ) {
    container.addEventListener('keydown', (e) => this.key(e));
    container.addEventListener('focusin', (e) => {
      const term = (e.target as HTMLElement).closest<HTMLElement>(this.selector);
      if (term && container.contains(term)) this.select(term);
    });
  }

  private terms(): HTMLElement[] {
    return [...this.container.querySelectorAll<HTMLElement>(this.selector)];
  }

  private select(term: HTMLElement): void {
    this.current = this.keyOf(term);
    this.stopAt(term, this.terms());
  }

  /** `term` the list's one tab stop. */
  private stopAt(term: HTMLElement | undefined, terms: HTMLElement[]): void {
    for (const t of terms) t.tabIndex = t === term ? 0 : -1;
  }

  private key(e: KeyboardEvent): void {
    const terms = this.terms();
    const at = terms.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const next = rovingStep(e.key, at, terms.length);
    if (next === null) return;
    e.preventDefault();
    const to = terms[next];
    this.select(to);
    to.focus();
  }

  /**
   * After the terms are drawn again: the one with the current key (else the first) is the tab
   * stop, and has focus if `hadFocus` (the list had it before it was drawn again).
   */
  refresh(hadFocus: boolean): void {
    const terms = this.terms();
    const keep = terms.find((t) => this.keyOf(t) === this.current) ?? terms[0];
    this.stopAt(keep, terms);
    if (keep && hadFocus) keep.focus();
  }
}
