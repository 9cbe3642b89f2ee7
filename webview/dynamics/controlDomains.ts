/** What each control edits and which values it accepts; pure functions, no DOM. */
import { CONTROL_DOMAINS, type ControlKey, type ControlState } from '../../src/protocol/dynamics';

/** Slider positions 0 … SLIDER_STEPS. */
export const SLIDER_STEPS = 1000;

/** Slider position (0 … SLIDER_STEPS) → value, log-spaced unless linear; rounded to 4 significant digits
 *  so that dragging writes tidy numbers into the user's file. */
export function positionToValue(pos: number, s: ControlState): number {
  const p = Math.min(1, Math.max(0, pos / SLIDER_STEPS));
  let v = s.linear || s.min <= 0 ? s.min + p * (s.max - s.min) : Math.exp(Math.log(s.min) + p * (Math.log(s.max) - Math.log(s.min)));
  if (s.integer) return Math.round(v);
  v = Number(v.toPrecision(4));
  return Math.abs(v) < 1e-12 * Math.max(Math.abs(s.min), Math.abs(s.max)) ? 0 : v;
}

/** Value → slider position, clamped to the slider's range. */
export function valueToPosition(value: number, s: ControlState): number {
  let p: number;
  if (s.linear || s.min <= 0) p = s.max === s.min ? 0 : (value - s.min) / (s.max - s.min);
  else p = value <= 0 ? 0 : (Math.log(value) - Math.log(s.min)) / (Math.log(s.max) - Math.log(s.min));
  return Math.round(Math.min(1, Math.max(0, p)) * SLIDER_STEPS);
}

/** Checks typed text; returns the number or a message saying why it is refused. */
export function validate(key: ControlKey, text: string, state: ControlState | undefined): { value: number } | { error: string } {
  const d = CONTROL_DOMAINS[key];
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'Enter a number.' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `“${trimmed}” is not a finite number.` };
  if ((d.integer || state?.integer) && !Number.isInteger(value)) return { error: 'Must be a whole number.' };
  if (d.min !== undefined && value < d.min) return { error: `Must be ≥ ${d.min}.` };
  if (d.exclusiveMin !== undefined && value <= d.exclusiveMin) return { error: `Must be > ${d.exclusiveMin}.` };
  if (d.max !== undefined && value > d.max) return { error: `Must be ≤ ${d.max}.` };
  return { value };
}


/** Log steps of the number field's arrow keys: ×10^(1/20) ≈ 1.12, coarse ×10, fine ×10^(1/100) ≈ 1.023. */
const LOG_STEPS = { normal: 1 / 20, coarse: 1, fine: 1 / 100 } as const;
/** Linear steps: 0.1, coarse 1, fine 0.01. */
const LINEAR_STEPS = { normal: 0.1, coarse: 1, fine: 0.01 } as const;

/**
 * The value one arrow-key step away from `value` (`direction` ±1), on the control's own scale:
 * multiplicative on a log control (rounded to 4 significant digits; an integer control moves by at
 * least 1), additive on a linear one (rounded to the step). Kept inside the key's domain; a log
 * step from 0 goes to the slider's smallest value.
 */
export function stepValue(key: ControlKey, value: number, direction: 1 | -1, size: 'normal' | 'coarse' | 'fine', s: ControlState): number {
  const d = CONTROL_DOMAINS[key];
  let next: number;
  if (s.linear || s.min <= 0) {
    const step = LINEAR_STEPS[size];
    next = Number((Math.round(value / step) * step + direction * step).toFixed(6));
  } else if (value <= 0) {
    next = direction > 0 ? s.min : value;
  } else {
    next = Number((value * 10 ** (direction * LOG_STEPS[size])).toPrecision(4));
    if (d.integer || s.integer) next = direction > 0 ? Math.max(Math.round(next), value + 1) : Math.min(Math.round(next), value - 1);
  }
  if (d.min !== undefined && next < d.min) next = d.min;
  if (d.max !== undefined && next > d.max) next = d.max;
  if (d.exclusiveMin !== undefined && !(next > d.exclusiveMin)) next = value;
  return next;
}
