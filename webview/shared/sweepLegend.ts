/**
 * One entry of a sweep's shared legend (the dynamics and the training panel): the value's colour, the
 * value and its label, as a toggle button — pressed when its run is the one the verdict describes.
 */
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
export function sweepLegendItem(entry: SweepLegendEntry): HTMLButtonElement {
  const item = el('button', 'sweep-item');
  item.type = 'button';
  item.dataset.sweepValue = String(entry.value);
  item.setAttribute('aria-pressed', String(entry.pressed));
  const swatch = el('span', 'sweep-swatch');
  // CSSOM, not a style attribute: allowed under the CSP.
  swatch.style.backgroundColor = entry.colour;
  const what = el('span', 'sweep-label', entry.label);
  what.dataset.sweepLabel = '';
  item.append(swatch, el('span', 'sweep-value', formatReadout(entry.value)), what);
  item.title = entry.title;
  item.addEventListener('click', entry.onClick);
  return item;
}
