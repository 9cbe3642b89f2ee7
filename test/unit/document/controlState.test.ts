/**
 * A control's width power (a breaker's finding 4, 2026-12-03): under a `parameterisation` a control's
 * number is the base b of b·d^e, and the panel names it so with the value the run uses; the host reads
 * both from the document as it is, valid or not (readControls).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree } from 'jsonc-parser';
import { readControls } from '../../../src/document/controlState';

function controls(value: unknown): Record<string, { value: number | null; widthPower?: unknown }> {
  const text = JSON.stringify(value);
  const out = readControls(parseTree(text), text);
  assert.ok(out);
  return Object.fromEntries(out.map((c) => [c.key, c]));
}

const BASE = { data: { x: [1], y: 1 }, init: { scaleU: 1, scaleW: 0.5, seed: 1 }, learningRates: { u: 0.1, W: 0.2 } };

test('ntk: outputScale left out is the base 1 of γ = 1·d^(−1/2); the σs and rates (exponent 0) are values', () => {
  const c = controls({ ...BASE, parameterisation: 'ntk', model: { width: 1024 } });
  assert.equal(c['model.outputScale'].value, 1);
  assert.deepEqual(c['model.outputScale'].widthPower, { exponent: -0.5, width: 1024, value: 0.03125 });
  for (const key of ['init.scaleU', 'init.scaleW', 'learningRates.u', 'learningRates.W', 'model.width', 'data.y']) assert.equal(c[key].widthPower, undefined, key);
});

test('meanField: the rates are bases of b·d, γ of b·d^(−1); the value follows the document\'s width', () => {
  const c = controls({ ...BASE, parameterisation: 'meanField', model: { width: 4096, outputScale: 2 } });
  assert.deepEqual(c['learningRates.W'].widthPower, { exponent: 1, width: 4096, value: 819.2 });
  assert.deepEqual(c['model.outputScale'].widthPower, { exponent: -1, width: 4096, value: 2 / 4096 });
});

test('standard: σ_u is a base (d^(−1/2)), γ is a value (d⁰); an invalid width leaves the value unknown', () => {
  const c = controls({ ...BASE, parameterisation: 'standard', model: { width: -5 } });
  assert.deepEqual(c['init.scaleU'].widthPower, { exponent: -0.5, width: null, value: null });
  assert.equal(c['model.outputScale'].widthPower, undefined);
});

test('no parameterisation, or one that names no preset: every number is its value', () => {
  for (const parameterisation of [undefined, 'ntkk', 'constructor', '__proto__']) {
    const c = controls({ ...BASE, ...(parameterisation ? { parameterisation } : {}), model: { width: 64, outputScale: 0.5 } });
    for (const key of Object.keys(c)) assert.equal(c[key].widthPower, undefined, `${parameterisation}: ${key}`);
  }
});

/**
 * A key written as `{ "widthExponent": e, "base": b }` (a session's closing note, 2026-12-03): its control
 * was disabled (value null, no number to show). Now it shows the base b, written as the file writes it,
 * with the value the run uses; a left-out base is the schema's default 1.
 */
test('{ widthExponent, base }: the control is the base b, with the value used at the document\'s width', () => {
  const text = '{ "model": { "width": 1024, "outputScale": { "widthExponent": -0.5, "base": 2.50 } }, "data": { "x": [1], "y": 1 }, "init": { "scaleU": 1, "scaleW": 0.5, "seed": 1 }, "learningRates": { "u": { "widthExponent": 1 }, "W": 0.2 } }';
  const out = readControls(parseTree(text), text);
  assert.ok(out);
  const c = Object.fromEntries(out.map((s) => [s.key, s]));
  assert.equal(c['model.outputScale'].value, 2.5);
  assert.equal(c['model.outputScale'].text, '2.50', 'as written');
  assert.deepEqual(c['model.outputScale'].widthPower, { exponent: -0.5, width: 1024, value: 2.5 / 32 });
  assert.equal(c['learningRates.u'].value, 1, 'base left out: 1');
  assert.deepEqual(c['learningRates.u'].widthPower, { exponent: 1, width: 1024, value: 1024 });
  assert.equal(c['learningRates.W'].widthPower, undefined);
});
