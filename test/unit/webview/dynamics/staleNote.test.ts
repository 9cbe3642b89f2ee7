/**
 * The note over a greyed result while the file is invalid (webview/dynamics/controls.ts,
 * `staleResultNote`): it names each control whose value differs from the one the result was
 * computed with, as the document writes it, and says so plainly when none does or none can be read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControlState } from '../../../../src/protocol/dynamics';
import { staleResultNote } from '../../../../webview/dynamics/controls';

const state = (key: ControlState['key'], value: number | null, text?: string): ControlState => ({ key, value, min: 1e-6, max: 1e3, linear: false, integer: false, ...(text !== undefined ? { text } : {}) });
const computed = [state('model.width', 200), state('init.scaleU', 0.02), state('learningRates.u', 0.05)];

test('names the controls that differ, in their own words, with the values as written', () => {
  const now = [state('model.width', -5, '-5'), state('init.scaleU', 0.5, '5e-1'), state('learningRates.u', 0.05)];
  assert.equal(staleResultNote(computed, now), 'The greyed result was computed with the last valid values, not the controls\': Width d 200 (now -5); Init scale σ_u 0.02 (now 5e-1).');
});

test('says a value the document no longer has as a number (missing, text, null, 1e999) has no valid number, not that it is not set', () => {
  const now = [state('model.width', 200), state('init.scaleU', null), state('learningRates.u', 0.05)];
  assert.match(staleResultNote(computed, now), /Init scale σ_u 0\.02 \(now no valid number\)\.$/);
});

test('says the controls show the same values when none differs, and when the file does not parse', () => {
  assert.match(staleResultNote(computed, computed), /the controls show the same values\.$/);
  assert.match(staleResultNote(computed, null), /the controls return when the file parses again\.$/);
});

test('names the base of a width power as the base, as its control does', () => {
  const power = { exponent: -0.5, width: 1024, value: 0.03125 };
  const was = [{ ...state('model.outputScale', 1), widthPower: power }];
  const now = [{ ...state('model.outputScale', 0.5), widthPower: { ...power, value: 0.015625 } }];
  assert.match(staleResultNote(was, now), /: Output scale γ \(base b\) 1 \(now 0\.5\)\.$/);
});
