/**
 * The zoom's state and its reset, beside a panel's other view controls (the dynamics and the
 * training panel): "Zoomed: t 51 … 81" while the charts are zoomed, and a *Reset zoom* button that is
 * enabled only then (docs/panel.md, "Axes") — the training panel's was enabled and drawn active
 * without any zoom, as if there were something to reset.
 */
import type { Charts, XRange } from '../charts/chartEngine';
import { defineTerm } from './definitionTip';
import { el } from './dom';
import { formatReadout } from './numberFormat';
import { createButton } from './toolkit';

export class ZoomControl {
  /** The state and the button, to put in a toolbar. */
  readonly element = el('span', 'zoom');
  private readonly state = el('span', 'zoom-state');
  private readonly reset: HTMLElement;

  /** `axisName`: how the state names the zoomed axis now ("t", "steps"). */
  constructor(charts: Charts, private readonly axisName: () => string) {
    this.reset = createButton('Reset zoom', 'reset-zoom', () => charts.resetZoom());
    defineTerm(this.reset, 'Show the whole run (or double-click a chart)', { control: true });
    this.state.setAttribute('aria-live', 'polite');
    this.element.append(this.state, this.reset);
    charts.onZoom((zoom) => this.show(zoom));
    this.show(null);
  }

  private show(zoom: XRange | null): void {
    this.state.textContent = zoom ? `Zoomed: ${this.axisName()} ${formatReadout(zoom.min)} … ${formatReadout(zoom.max)}` : '';
    this.state.hidden = !zoom;
    // What is zoomed, readable from the DOM (tests, and anyone inspecting the panel).
    this.state.dataset.zoom = zoom ? `${zoom.min}:${zoom.max}` : '';
    this.reset.toggleAttribute('disabled', !zoom);
  }
}
