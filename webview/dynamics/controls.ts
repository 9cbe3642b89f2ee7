/**
 * Sliders (log scale unless the host says linear) and number fields for the hyperparameters.
 * A control never holds a value of its own: it shows what the document says, and posts
 * `setValue` for the host to write into the document; the new result comes back as an update.
 */
import { CONTROL_DOMAINS, CONTROL_KEYS, type ControlKey, type ControlState, type SetValue } from '../../src/protocol/dynamics';
import { positionToValue, SLIDER_STEPS, validate, valueToPosition } from './controlDomains';

interface Row {
  key: ControlKey;
  slider: HTMLInputElement;
  field: HTMLInputElement;
  message: HTMLElement;
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

  constructor(private readonly post: (message: SetValue) => void) {
    this.element = document.createElement('section');
    this.element.className = 'controls';
    this.element.setAttribute('aria-label', 'Hyperparameters');
    for (const key of CONTROL_KEYS) this.rows.set(key, this.createRow(key));
  }

  private createRow(key: ControlKey): Row {
    const d = CONTROL_DOMAINS[key];
    const wrap = document.createElement('div');
    wrap.className = 'control';
    const id = `control-${key.replace(/\W/g, '-')}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = d.label;
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.id = id;
    slider.min = '0';
    slider.max = String(SLIDER_STEPS);
    slider.step = '1';
    slider.dataset.control = key;
    slider.disabled = true;
    const field = document.createElement('input');
    field.type = 'number';
    field.step = 'any';
    field.dataset.controlNumber = key;
    field.setAttribute('aria-label', `${d.label} value`);
    field.disabled = true;
    const message = document.createElement('span');
    message.className = 'control-error';
    message.dataset.controlError = key;
    message.setAttribute('role', 'alert');
    message.id = `${id}-error`;
    message.hidden = true;
    field.setAttribute('aria-describedby', message.id);
    wrap.append(label, slider, field, message);
    this.element.append(wrap);

    const row: Row = { key, slider, field, message, state: undefined, dragging: false, pending: null, frame: 0 };
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
      }
    });
    field.addEventListener('blur', () => this.commitField(row));
    return row;
  }

  private commitField(row: Row): void {
    if (!row.state || row.state.value === null) return;
    // A type=number field reports unparsable text as '' with badInput set.
    const text = row.field.validity.badInput ? 'not a number' : row.field.value;
    const result = validate(row.key, text, row.state);
    if ('error' in result) {
      row.message.textContent = result.error;
      row.message.hidden = false;
      row.field.setAttribute('aria-invalid', 'true');
      return;
    }
    this.clearError(row);
    if (result.value === row.state.value) return;
    row.slider.value = String(valueToPosition(result.value, row.state));
    this.post({ type: 'setValue', key: row.key, value: result.value, final: true });
  }

  private clearError(row: Row): void {
    row.message.hidden = true;
    row.message.textContent = '';
    row.field.removeAttribute('aria-invalid');
  }

  private showValue(row: Row, value: number, moveSlider: boolean): void {
    if (moveSlider && row.state) row.slider.value = String(valueToPosition(value, row.state));
    row.slider.setAttribute('aria-valuetext', String(value));
    row.field.value = String(value);
  }

  /** Shows the document's values; `null` disables every control (the host cannot locate them). */
  update(states: ControlState[] | null): void {
    for (const row of this.rows.values()) {
      const state = states?.find((s) => s.key === row.key);
      row.state = state;
      const enabled = !!state && state.value !== null;
      row.slider.disabled = !enabled;
      row.field.disabled = !enabled;
      if (!state || state.value === null) {
        row.field.value = '';
        row.field.placeholder = '—';
        continue;
      }
      row.field.placeholder = '';
      // Never pull a value out from under the user: not while dragging, not while typing.
      const typing = document.activeElement === row.field && row.field.value !== '' && Number(row.field.value) !== state.value;
      if (!row.dragging && !typing) {
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
