/**
 * A sweep's shared legend (the dynamics and the training panel): a heading, then per value its colour,
 * the value and its label, as a toggle button — pressed when its run is the one the verdict describes.
 */
import { defineTerm } from './definitionTip';
import { el } from './dom';
import { formatReadout } from './numberFormat';

export interface SweepLegendEntry {
  value: number;
  colour: string;
  /** The run's label, or what stands for it (diverged at a step, not trained, — until there is one). */
  label: string;
  pressed: boolean;
  /** The button's tooltip. */
  title: string;
  onClick(): void;
}

/** The button of one swept value, with `data-sweep-value` and its label's `data-sweep-label`. */
function sweepLegendItem(entry: SweepLegendEntry): HTMLButtonElement {
  const item = el('button', 'sweep-item');
  item.type = 'button';
  item.dataset.sweepValue = String(entry.value);
  item.setAttribute('aria-pressed', String(entry.pressed));
  const swatch = el('span', 'sweep-swatch');
  // CSSOM, not a style attribute: allowed under the CSP.
  swatch.style.backgroundColor = entry.colour;
  const what = el('span', 'sweep-label', entry.label);
  what.dataset.sweepLabel = '';
  // A space between the value and its label: the button's name is "0.3 alignment", as read aloud and
  // as found by its text ("0.3alignment" matched nothing, and a click by that text landed on the chart's key).
  item.append(swatch, el('span', 'sweep-value', formatReadout(entry.value)), ' ', what);
  defineTerm(item, entry.title, { control: true });
  item.addEventListener('click', entry.onClick);
  return item;
}

/** What a sweep's legend shows: the swept key, the heading's definition and one entry per value. */
export interface SweepLegend {
  key: string;
  title: string;
  entries: SweepLegendEntry[];
  /**
   * What choosing does, shown after the heading while no value is chosen ("choose a value for its
   * verdict"): on hover alone, a reader saw labels and no way to their reasons. Null for none.
   */
  hint?: string | null;
  /**
   * The hints this legend shows at other times (the one once a value is chosen): the hint's room is the
   * widest of them and `hint`, kept while the hint is null too, so that a change of hint moves no value
   * under the pointer (the values after it shifted by its width when a click took it away).
   */
  hintRoom?: readonly string[];
}

/** Fills `container` with the legend ("Sweep over KEY", then the entries); empty and hidden for none. */
export function renderSweepLegend(container: HTMLElement, legend: SweepLegend | null): void {
  container.hidden = !legend;
  if (!legend) {
    container.replaceChildren();
    return;
  }
  // Drawn again when a value is chosen: focus stays on the value that had it (it fell to the page).
  const focused = document.activeElement instanceof HTMLElement && container.contains(document.activeElement) ? document.activeElement.dataset.sweepValue : undefined;
  const heading = el('span', 'sweep-heading', `Sweep over ${legend.key}`);
  // What the legend's lines and colours mean: on hover, and on the heading's focus (one tab stop).
  defineTerm(heading, legend.title);
  const items = legend.entries.map(sweepLegendItem);
  const room = (legend.hintRoom ?? []).filter((h) => h !== legend.hint);
  const hint = legend.hint || room.length > 0 ? [el('span', 'sweep-hint')] : [];
  if (hint.length > 0) {
    // One cell: the hint shown, then the others invisible and unread, only holding the room (panel.css).
    const shown = el('span', 'sweep-hint-text', legend.hint ?? '');
    const others = room.map((h) => {
      const r = el('span', 'sweep-hint-room', h);
      r.setAttribute('aria-hidden', 'true');
      return r;
    });
    hint[0].append(shown, ...others);
  }
  container.replaceChildren(heading, ...hint, ...items);
  if (focused !== undefined) items.find((i) => i.dataset.sweepValue === focused)?.focus();
}

/** A sweep value and its label for a figure's key, as the legend shows them: "0.1 alignment", or the value alone while it has none (—). */
export function valueWithLabel(value: number, label: string): string {
  return label === '—' ? formatReadout(value) : `${formatReadout(value)} ${label}`;
}
