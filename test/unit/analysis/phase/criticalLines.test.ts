/**
 * The critical lines of the linearised dynamics over a descent phase diagram (docs/phase-diagram.md,
 * "Critical lines"): every point of ηK₀ = 2 and ηK₀ = 4 against the formula K₀ = γ²ā²(η_W|u₀|² +
 * η_u|W₀n|²) evaluated here from the weights themselves (explicit, or the seeded draws), on log and
 * linear axes over γ, σ and η; interpolated crossings along an axis that redraws; the closed-form
 * crossing and the saddle squares; and the physics the lines stand for — in the kernel regime descent
 * converges below ηK₀ = 2, catapults between 2 and 4, diverges beyond 4.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contour, crossingValue } from '../../../../src/core/analysis/phase/criticalLines';
import { phaseDiagramSync, type PhaseAxis, type PhaseDiagram } from '../../../../src/core/analysis/phase/phaseDiagram';
import type { Experiment } from '../../../../src/core/experiment/experiment';
import { parseExperiment } from '../../../../src/core/experiment/parse';
import { DESCENT_OUTCOMES } from '../../../../src/core/linearFlow/stability';
import { initialState, networkOf } from '../../../reference/network';

function experiment(raw: unknown): Experiment {
  const { experiment: e, diagnostics } = parseExperiment(JSON.stringify(raw));
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  return e!;
}

/** K₀ per step of the network of `e` with some values replaced, from its weights: γ²ā²(η_W|u|² + η_u|W n|²). */
function ntk0(e: Experiment, over: Record<string, number>): number {
  const net = networkOf(e);
  const theta = initialState(e);
  const d = net.d;
  const su = over['init.scaleU'] !== undefined && e.init.kind === 'random' ? over['init.scaleU'] / e.init.scaleU : 1;
  const sw = over['init.scaleW'] !== undefined && e.init.kind === 'random' ? over['init.scaleW'] / e.init.scaleW : 1;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < d; i++) {
    uu += (su * theta[i]) ** 2;
    let v = 0;
    for (let j = 0; j < net.D; j++) v += sw * theta[d + i * net.D + j] * net.n[j];
    vv += v * v;
  }
  const gamma = over['model.outputScale'] ?? net.gamma;
  const etaU = over['learningRates.u'] ?? net.etaU;
  const etaW = over['learningRates.W'] ?? net.etaW;
  return gamma * gamma * net.aBar * net.aBar * (etaW * uu + etaU * vv);
}

/** Every vertex of every line satisfies K₀ = c to `rel`; each lies on a cell edge (one of its values a cell value); returns the vertices. */
function checkLines(e: Experiment, p: PhaseDiagram, rel: number): number {
  let vertices = 0;
  for (const line of p.lines) {
    assert.ok(line.segments.length >= 8, `${line.name} crosses the diagram (${line.segments.length / 4} segments)`);
    for (let s = 0; s < line.segments.length; s += 2) {
      const x = line.segments[s];
      const y = line.segments[s + 1];
      const onColumn = Array.from(p.x.values).some((v) => v === x);
      const onRow = Array.from(p.y.values).some((v) => v === y);
      assert.ok(onColumn || onRow, `${line.name}: (${x}, ${y}) is on a cell edge`);
      const k = ntk0(e, { [p.x.path]: x, [p.y.path]: y });
      assert.ok(Math.abs(k - line.ntk) <= rel * line.ntk, `${line.name}: K₀(${x}, ${y}) = ${k}`);
      vertices++;
    }
  }
  return vertices;
}

const EXPLICIT = {
  model: { width: 3, outputScale: 0.7 },
  data: { x: [1.5, -0.5], y: 0.4 },
  init: { u: [0.3, -1.1, 0.6], W: [[0.8, 0.1], [-0.4, 0.9], [1.2, -0.7]] },
  learningRates: { u: 1, W: 1 },
  time: { end: 20, points: 5 },
};

test('ηK₀ = 2 and 4 over the layer rates, log and linear, against the formula from the explicit weights', () => {
  const e = experiment(EXPLICIT);
  for (const scale of ['log', 'linear'] as const) {
    const x: PhaseAxis = { key: 'learningRates.u', from: 0.05, to: 6, scale };
    const y: PhaseAxis = { key: 'learningRates.W', from: 0.05, to: 6, scale };
    const p = phaseDiagramSync(e, x, y, [17, 13], 'descent');
    assert.deepEqual(p.lines.map((l) => [l.ntk, l.name]), [[2, 'ηK₀ = 2'], [4, 'ηK₀ = 4']]);
    assert.ok(checkLines(e, p, 1e-12) >= 16, scale);
    // The cells' kernels are the formula's too.
    for (const k of [0, 100, 220]) close(p.ntk0![k], ntk0(e, { 'learningRates.u': p.x.values[k % 17], 'learningRates.W': p.y.values[Math.floor(k / 17)] }), 1e-13, `cell ${k}`);
  }
});

test('the lines over γ and the initial scales (K₀ quadratic in each), from the seeded draws', () => {
  const e = experiment({ model: { width: 50, outputScale: 1 }, data: { x: [1, 0.5, -0.2], y: 1 }, init: { scaleU: 0.3, scaleW: 0.1, seed: 4 }, learningRates: { u: 0.5, W: 2 }, time: { end: 20, points: 5 } });
  const a = phaseDiagramSync(e, { key: 'outputScale', from: 0.05, to: 5 }, { key: 'init.scaleW', from: 0.01, to: 3 }, [19, 23], 'descent');
  assert.ok(checkLines(e, a, 1e-12) > 20);
  const b = phaseDiagramSync(e, { key: 'init.scaleU', from: 0.01, to: 3, scale: 'linear' }, { key: 'learningRates.W', from: 0.1, to: 10 }, [21, 15], 'descent');
  assert.ok(checkLines(e, b, 1e-12) > 20);
});

test('along an axis that redraws (the width) the crossing is interpolated between the two widths that straddle it', () => {
  const e = experiment({ model: { width: 8, outputScale: 1 }, data: { x: [1], y: 1 }, init: { scaleU: 0.3, scaleW: 0.3, seed: 2 }, learningRates: { u: 0.5, W: 0.5 }, time: { end: 10, points: 3 } });
  const p = phaseDiagramSync(e, { key: 'width', from: 2, to: 512 }, { key: 'learningRates.W', from: 0.01, to: 10 }, [9, 11], 'descent');
  const widths = Array.from(p.x.values);
  let interpolated = 0;
  for (const line of p.lines) {
    for (let s = 0; s < line.segments.length; s += 2) {
      const [w, eta] = [line.segments[s], line.segments[s + 1]];
      if (widths.includes(w)) {
        // On a width column the crossing is exact along η_W.
        const k = ntk0(withNumber(e, 'model.width', w), { 'learningRates.W': eta });
        assert.ok(Math.abs(k - line.ntk) <= 1e-12 * line.ntk, `K₀(${w}, ${eta}) = ${k}`);
        continue;
      }
      const j = widths.findIndex((v, i) => i + 1 < widths.length && v < w && w < widths[i + 1]);
      assert.ok(j >= 0, `${w} lies between two widths of the grid`);
      const k1 = ntk0(withNumber(e, 'model.width', widths[j]), { 'learningRates.W': eta });
      const k2 = ntk0(withNumber(e, 'model.width', widths[j + 1]), { 'learningRates.W': eta });
      assert.ok((k1 - line.ntk) * (k2 - line.ntk) <= 0, `the widths ${widths[j]} and ${widths[j + 1]} straddle K₀ = ${line.ntk} (${k1}, ${k2})`);
      interpolated++;
    }
  }
  assert.ok(interpolated > 0, 'some crossings lie between widths');
});

function withNumber(e: Experiment, path: string, value: number): Experiment {
  const source = JSON.parse(JSON.stringify(e.source)) as Record<string, Record<string, unknown>>;
  const [a, b] = path.split('.');
  source[a][b] = value;
  return experiment(source);
}

function close(a: number, b: number, rel: number, what: string): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('the closed-form crossing and the saddle squares', () => {
  // K₀ = 1 + 3v² between v = −2 (13) and v = 1 (4): 7 at v = −√2, on the side of the end farther from 0.
  close(crossingValue({ log: false, power: 2 }, -2, 1, 13, 4, 7), -Math.SQRT2, 1e-15, 'p = 2 through 0');
  close(crossingValue({ log: true, power: 1 }, 0.1, 10, 2 + 0.1 * 5, 2 + 10 * 5, 4), 0.4, 1e-15, 'p = 1');
  // Not of the power form: interpolated in ln K₀ along ln v.
  close(crossingValue({ log: true, power: null }, 1, 100, 1, 16, 4), 10, 1e-15, 'interpolated');
  // A saddle: corners above, below, above, below; the centre's mean decides which corners are cut off.
  const x = { values: [0, 1], log: false, power: null };
  const y = { values: [0, 1], log: false, power: null };
  assert.equal(contour(x, y, [5, 1, 1, 5], 3).length, 8, 'two segments');
  assert.equal(contour(x, y, [5, 5, 1, 1], 3).length, 4, 'one segment');
  assert.equal(contour(x, y, [5, 5, 5, 5], 3).length, 0, 'none');
  assert.equal(contour(x, y, [5, NaN, 1, 1], 3).length, 0, 'a square with an unknown corner is skipped');
});

test('in the kernel regime descent converges below ηK₀ = 2, catapults between 2 and 4, diverges beyond 4 (Lewkowycz et al. 2020)', () => {
  const e = experiment({ parameterisation: 'ntk', model: { width: 1024 }, data: { x: [1], y: 0.5 }, init: { scaleU: 1, scaleW: 1, seed: 2 }, learningRates: { u: 1, W: 1 }, time: { end: 2000, points: 50 } });
  const n = 40;
  const p = phaseDiagramSync(e, { key: 'learningRates.u', from: 0.1, to: 10 }, { key: 'learningRates.W', from: 0.1, to: 10 }, n, 'descent');
  const counts = { below: 0, window: 0, beyond: 0 };
  for (let k = 0; k < n * n; k++) {
    const K = p.ntk0![k];
    const outcome = DESCENT_OUTCOMES[p.outcomes![k]];
    // 5 % either side of a line, the finite width and the target move the edges a little.
    if (K < 1.9) {
      assert.equal(outcome, 'converged', `K₀ = ${K}`);
      counts.below++;
    } else if (K > 2.1 && K < 3.9) {
      assert.equal(outcome, 'catapult', `K₀ = ${K}`);
      counts.window++;
    } else if (K > 4.1) {
      assert.equal(outcome, 'diverged', `K₀ = ${K}`);
      counts.beyond++;
    }
  }
  assert.ok(counts.below > 100 && counts.window > 100 && counts.beyond > 100, JSON.stringify(counts));
});
