/**
 * The hyperparameters: a number field first — the primary control, with keyboard steps (↑/↓ by
 * ×10^(1/20) on a log control, Shift ×10, Alt ×10^(1/100); linear ±0.1, ±1, ±0.01) — then a slider
 * over the whole width of the control with its range written at its ends (docs/panel.md,
 * "Controls"). A control never holds a value of its own: it shows what the document says, and
 * posts `setValue` for the host to write into the document; the new result comes back as an update.
 * A run of key steps is one undo step, closed when the key is released.
 */
import { decadeLabel } from '../../src/core/figures/ticks';
import { CONTROL_DOMAINS, CONTROL_KEYS, type ControlKey, type ControlState, type SetValue } from '../../src/protocol/dynamics';
import { widthPowerFormula } from '../../src/core/experiment/widthFormula';
import { formatReadout } from '../shared/numberFormat';
import { defineTerm } from '../shared/definitionTip';
import { positionToValue, SLIDER_STEPS, stepValue, validate, valueToPosition } from './controlDomains';

/** What each control sets: on hover of its name or field, and on the field's focus. */
const CONTROL_HINTS: Record<ControlKey, string> = {
  'model.width': 'd: the number of hidden units.',
  'model.outputScale': 'γ: the output is f(x) = γ uᵀ W x.',
  'init.scaleU': 'σ_u: u_i ~ N(0, σ_u²) at initialisation.',
  'init.scaleW': 'σ_W: W_ij ~ N(0, σ_W²) at initialisation.',
  'learningRates.u': 'η_u: the output layer\'s learning rate (the step of gradient descent; the time scale of the flow).',
  'learningRates.W': 'η_W: the hidden layer\'s learning rate.',
  'data.y': 'y: the target of the effective sample.',
};

/** Each width-scalable control's symbol, for what its base gives (`γ = b·d^(−1/2) = 0.03125`). */
const CONTROL_SYMBOLS: Partial<Record<ControlKey, string>> = {
  'model.outputScale': 'γ',
  'init.scaleU': 'σ_u',
  'init.scaleW': 'σ_W',
  'learningRates.u': 'η_u',
  'learningRates.W': 'η_W',
};

/**
 * What a control whose number is the base b of a width power shows beside it (docs/panel.md,
 * "Controls"): the value the run uses, `→ γ = b·d^(−1/2) = 0.03125 at d = 1024`; null for a control
 * whose number is the value.
 */
export function effectiveText(state: ControlState): string | null {
  const p = state.widthPower;
  const symbol = CONTROL_SYMBOLS[state.key];
  if (!p || !symbol) return null;
  const formula = widthPowerFormula(symbol, p.exponent);
  return p.value === null || p.width === null ? `→ ${formula} (no valid width d)` : `→ ${formula} = ${formatReadout(p.value)} at d = ${p.width}`;
}

/** A field's hint: what its symbol means — and, for the base of a width power, that it is the base — and its keys. */
function fieldHint(key: ControlKey, state: ControlState | undefined): string {
  const p = state?.widthPower;
  const symbol = CONTROL_SYMBOLS[key];
  const base = p && symbol ? ` This field is the base b, not ${symbol}: the file makes ${widthPowerFormula(symbol, p.exponent)} (its parameterisation, or the key's widthExponent), with d the width.` : '';
  return `${CONTROL_HINTS[key]}${base} ↑/↓ step the value (Shift: coarse, Alt: fine); Enter sets a typed value.`;
}

/** A slider end as text: a decade 10ⁿ on a log slider (a count below 10⁴ as it is), the number on a linear one. */
function endLabel(v: number, linear: boolean, integer = false): string {
  if (integer && v < 1e4) return String(v);
  if (!linear && v > 0) {
    const e = Math.log10(v);
    if (Math.abs(e - Math.round(e)) < 1e-9) return decadeLabel(Math.round(e));
  }
  return String(v).replace(/^-/, '−');
}

/**
 * A control's value as the panel writes it: as the document does, when it does. Null means the document
 * has no number the control can show there — the key missing, or holding text, null or a number beyond
 * float64 ("two hundred", 1e999): "no valid number", not "not set", which a file that sets it would contradict.
 */
function valueText(state: ControlState | undefined): string {
  if (!state || state.value === null) return 'no valid number';
  return state.text ?? String(state.value);
}

/**
 * While the document is invalid, what the note over the controls says (docs/panel.md, "First steps
 * and errors"): the greyed result was computed with the last valid values, and which controls — the
 * document's values now — differ from them. `computedWith`: the controls of the result on screen;
 * `now`: the invalid document's (null when the host cannot locate them).
 */
export function staleResultNote(computedWith: readonly ControlState[], now: readonly ControlState[] | null): string {
  if (now === null) return 'The greyed result was computed with the last valid values; the controls return when the file parses again.';
  const differ = CONTROL_KEYS.flatMap((key) => {
    const was = computedWith.find((s) => s.key === key);
    const is = now.find((s) => s.key === key);
    // The base of a width power is named as one, as its control is (`showWidthPower`).
    const base = was?.widthPower || is?.widthPower ? ' (base b)' : '';
    return (was?.value ?? null) === (is?.value ?? null) ? [] : [`${CONTROL_DOMAINS[key].label}${base} ${valueText(was)} (now ${valueText(is)})`];
  });
  if (differ.length === 0) return 'The greyed result was computed with the last valid values; the controls show the same values.';
  return `The greyed result was computed with the last valid values, not the controls': ${differ.join('; ')}.`;
}

interface Row {
  key: ControlKey;
  /** The visible name: "Output scale γ", or "Output scale γ, base b" when the number is the base of a width power. */
  label: HTMLLabelElement;
  /** What the base gives (effectiveText), under the name and field; hidden without a width power. */
  effective: HTMLElement;
  /** The slider's own (visually hidden) name. */
  sliderLabel: HTMLLabelElement;
  slider: HTMLInputElement;
  field: HTMLInputElement;
  message: HTMLElement;
  /** The slider's ends, written under it. */
  range: HTMLElement;
  /** The value a run of key steps has reached (one undo step, closed on key release), or null. */
  stepping: number | null;
  /** The last stepped value sent, until the document's next value arrives: the next step starts from it. */
  sent: number | null;
  state: ControlState | undefined;
  /** True between pointer-down on the slider and its release: incoming values do not move it. */
  dragging: boolean;
  /** A value waiting for the next animation frame (coalesced while dragging). */
  pending: number | null;
  frame: number;
}

export class Controls {
  readonly element: HTMLElement;
  private readonly rows = new Map<ControlKey, Row>();
  /**
   * The hints of every field and slider, under the last control: one place whose room is kept (as tall
   * as the tallest hint at the panel's width, shown or not), so that a hint shown covers no control and
   * moves none. Over the page above its field, a field's hint hid the row above; in its row, it pushed
   * every row below down on each hover; a slider's, over the page under it, covered the next row's field.
   */
  private readonly hints = document.createElement('div');

  constructor(private readonly post: (message: SetValue) => void) {
    this.element = document.createElement('section');
    this.element.className = 'controls';
    this.element.setAttribute('aria-label', 'Hyperparameters');
    this.hints.className = 'control-hints';
    for (const key of CONTROL_KEYS) this.rows.set(key, this.createRow(key));
    this.element.append(this.hints);
  }

  private createRow(key: ControlKey): Row {
    const d = CONTROL_DOMAINS[key];
    const wrap = document.createElement('div');
    wrap.className = 'control';
    wrap.dataset.controlRow = key;
    const id = `control-${key.replace(/\W/g, '-')}`;
    const head = document.createElement('div');
    head.className = 'control-head';
    const label = document.createElement('label');
    label.htmlFor = `${id}-value`;
    label.textContent = d.label;
    const field = document.createElement('input');
    field.type = 'number';
    field.step = 'any';
    field.id = `${id}-value`;
    field.dataset.controlNumber = key;
    field.disabled = true;
    head.append(label, field);
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.id = id;
    slider.min = '0';
    slider.max = String(SLIDER_STEPS);
    slider.step = '1';
    slider.dataset.control = key;
    slider.disabled = true;
    // The slider's own label, for assistive technology (the visible one names the field).
    const sliderLabel = document.createElement('label');
    sliderLabel.htmlFor = id;
    sliderLabel.className = 'visually-hidden';
    sliderLabel.textContent = `${d.label} (slider)`;
    const range = document.createElement('div');
    range.className = 'control-range';
    range.setAttribute('aria-hidden', 'true');
    const message = document.createElement('span');
    message.className = 'control-error';
    message.dataset.controlError = key;
    message.setAttribute('role', 'alert');
    message.id = `${id}-error`;
    message.hidden = true;
    const effective = document.createElement('div');
    effective.className = 'control-effective';
    effective.dataset.controlEffective = key;
    effective.id = `${id}-effective`;
    effective.hidden = true;
    // In the controls' hints, under the last control (`hints`): it covers nothing and moves nothing, and
    // the slider the field's arrow keys move stays in view.
    const hint = defineTerm(field, fieldHint(key, undefined), { focusable: false, hoverTargets: [label, field], describedBy: [message.id, effective.id], inline: true });
    // The field is the control, not a term: the pointer stays a text cursor over it.
    field.classList.remove('defined');
    label.classList.add('defined');
    wrap.append(head, effective, sliderLabel, slider, range, message);
    this.hints.append(hint);
    this.element.append(wrap);

    const row: Row = { key, label, effective, sliderLabel, slider, field, message, range, state: undefined, dragging: false, pending: null, frame: 0, stepping: null, sent: null };
    slider.addEventListener('pointerdown', () => (row.dragging = true));
    const endDrag = (): void => {
      row.dragging = false;
    };
    slider.addEventListener('pointerup', endDrag);
    slider.addEventListener('pointercancel', endDrag);
    slider.addEventListener('input', () => {
      if (!row.state) return;
      const value = positionToValue(Number(slider.value), row.state);
      this.showValue(row, value, false);
      this.clearError(row);
      // One message per animation frame while dragging.
      row.pending = value;
      if (!row.frame) {
        row.frame = requestAnimationFrame(() => {
          row.frame = 0;
          if (row.pending !== null) this.post({ type: 'setValue', key, value: row.pending, final: false });
          row.pending = null;
        });
      }
    });
    slider.addEventListener('change', () => {
      if (!row.state) return;
      if (row.frame) cancelAnimationFrame(row.frame);
      row.frame = 0;
      row.pending = null;
      row.dragging = false;
      this.post({ type: 'setValue', key, value: positionToValue(Number(slider.value), row.state), final: true });
    });
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.commitField(row);
      } else if (e.key === 'Escape' && row.state?.value != null) {
        this.showValue(row, row.state.value, true);
        this.clearError(row);
      } else if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && row.state && row.state.value !== null) {
        // Steps of the control's own scale, not the browser's ±1.
        e.preventDefault();
        const from = row.stepping ?? row.sent ?? row.state.value;
        const size = e.shiftKey ? 'coarse' : e.altKey ? 'fine' : 'normal';
        const next = stepValue(key, from, e.key === 'ArrowUp' ? 1 : -1, size, row.state);
        if (next === from) return;
        row.stepping = next;
        this.showValue(row, next, true);
        this.clearError(row);
        this.post({ type: 'setValue', key, value: next, final: false });
      }
    });
    // Editing the text again withdraws the last refusal; Enter or leaving the field checks it anew.
    field.addEventListener('input', () => this.clearError(row));
    field.addEventListener('keyup', (e) => {
      if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && row.stepping !== null) {
        const value = row.stepping;
        row.stepping = null;
        row.sent = value;
        this.post({ type: 'setValue', key, value, final: true });
      }
    });
    field.addEventListener('blur', () => {
      if (row.stepping !== null) {
        const value = row.stepping;
        row.stepping = null;
        row.sent = value;
        this.post({ type: 'setValue', key, value, final: true });
        return;
      }
      this.commitField(row);
    });
    return row;
  }

  /**
   * A typed value: refused in place when invalid — the field outlined in red with the reason under
   * it, nothing posted, the slider at the document's value — else posted once. The slider is not
   * moved here: it follows the document when the value comes back, so it never shows a value the
   * file does not hold.
   */
  private commitField(row: Row): void {
    if (!row.state || row.state.value === null) return;
    // A type=number field reports unparsable text ("1e", "1e999") as '' with badInput set.
    const result = row.field.validity.badInput ? { error: 'Not a number: write a value such as 0.02 or 1e-3.' } : validate(row.key, row.field.value, row.state);
    if ('error' in result) {
      row.message.textContent = result.error;
      row.message.hidden = false;
      row.field.setAttribute('aria-invalid', 'true');
      row.slider.value = String(valueToPosition(row.state.value, row.state));
      return;
    }
    this.clearError(row);
    if (result.value === (row.sent ?? row.state.value)) return;
    row.sent = result.value;
    this.post({ type: 'setValue', key: row.key, value: result.value, final: true });
  }

  private clearError(row: Row): void {
    row.message.hidden = true;
    row.message.textContent = '';
    row.field.removeAttribute('aria-invalid');
  }

  /** Shows `value` in the field — as the document writes it when it is the document's (`1e9`, not 1000000000) — and, with `moveSlider`, on the slider. */
  private showValue(row: Row, value: number, moveSlider: boolean): void {
    if (moveSlider && row.state) row.slider.value = String(valueToPosition(value, row.state));
    const written = row.state?.value === value && row.state.text !== undefined ? row.state.text : String(value);
    row.slider.setAttribute('aria-valuetext', written);
    row.field.value = written;
  }

  /**
   * Names a control as the base of a width power when its number is one (the field, and the slider, hold
   * b; the run uses b·d^e), with the value that gives beside it; as the symbol itself otherwise.
   */
  private showWidthPower(row: Row, state: ControlState | undefined): void {
    const d = CONTROL_DOMAINS[row.key];
    const text = state && state.value !== null ? effectiveText(state) : null;
    row.label.textContent = text === null ? d.label : `${d.label}, base b`;
    row.sliderLabel.textContent = `${row.label.textContent} (slider)`;
    row.effective.hidden = text === null;
    row.effective.textContent = text ?? '';
    defineTerm(row.field, fieldHint(row.key, text === null ? undefined : state));
  }

  /** Shows the document's values; `null` disables every control (the host cannot locate them). */
  update(states: ControlState[] | null): void {
    for (const row of this.rows.values()) {
      const state = states?.find((s) => s.key === row.key);
      row.state = state;
      this.showWidthPower(row, state);
      // The document's value has come back: steps start from it again.
      row.sent = null;
      const enabled = !!state && state.value !== null;
      row.slider.disabled = !enabled;
      row.field.disabled = !enabled;
      if (!state || state.value === null) {
        row.field.value = '';
        row.field.placeholder = '—';
        continue;
      }
      row.field.placeholder = '';
      const linear = state.linear || state.min <= 0;
      const end = (v: number): string => endLabel(v, linear, state.integer);
      row.range.replaceChildren(...[state.min, state.max].map((v) => Object.assign(document.createElement('span'), { textContent: end(v) })));
      // The range and scale, on focus as on hover, in the controls' hints as the field's (`hints`).
      const sliderHint = defineTerm(row.slider, `${end(state.min)} … ${end(state.max)}${linear ? '' : ', log scale'}; the number field takes any value.`, { control: true, inline: true });
      if (sliderHint.parentElement !== this.hints) this.hints.append(sliderHint);
      // Never pull a value out from under the user: not while dragging, not while typing (unparsable
      // text included) or stepping. The slider shows the document's value all the same.
      const typing = document.activeElement === row.field && (row.field.validity.badInput || (row.field.value !== '' && Number(row.field.value) !== state.value));
      if (row.dragging || row.stepping !== null) continue;
      if (typing) {
        row.slider.value = String(valueToPosition(state.value, state));
        row.slider.setAttribute('aria-valuetext', String(state.value));
      } else {
        this.showValue(row, state.value, true);
        this.clearError(row);
      }
    }
  }

  /** Disables every control (panel closed). */
  disableAll(): void {
    for (const row of this.rows.values()) {
      row.slider.disabled = true;
      row.field.disabled = true;
    }
  }
}
