import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAnyExperiment } from '../../../src/core/runs/anyExperiment';
import { linearBridge } from '../../../src/core/runs/bridge';
import { bridgeFlow } from '../../../src/core/runs/bridgeFlow';
import { NetworkExperiment } from '../../../src/core/network/networkExperiment';
import { NetworkRun } from '../../../src/core/runs/train';

const REPO = process.cwd();

/** The network's ζ = ‖uᵀW‖ / (|u| ‖W‖_F) of a two-layer network (W d × D, u d). */
function zetaOf(u: number[], W: number[][]): number {
  const D = W[0].length;
  const read = Array.from({ length: D }, (_, j) => W.reduce((s, row, i) => s + u[i] * row[j], 0));
  const norm = (x: number[]) => Math.hypot(...x);
  return norm(read) / (norm(u) * norm(W.flat()));
}

/**
 * The float64 reference: the network's gradient flow dW/dt = −η_W ∂L/∂W, du/dt = −η_u ∂L/∂u of
 * L = ½ mean (γ uᵀW x − y)², by classical RK4 at step h, from θ₀ to t; returns the network's ζ at each of `at`.
 */
function referenceZeta(u0: number[], W0: number[][], xs: number[][], ys: number[], gamma: number, etaW: number, etaU: number, at: number[], h: number): number[] {
  const d = u0.length;
  const D = W0[0].length;
  type S = { u: number[]; W: number[][] };
  const grad = (s: S): S => {
    const gu = new Array<number>(d).fill(0);
    const gW = Array.from({ length: d }, () => new Array<number>(D).fill(0));
    xs.forEach((x, k) => {
      const h1 = s.W.map((row) => row.reduce((a, w, j) => a + w * x[j], 0));
      const r = (gamma * h1.reduce((a, v, i) => a + v * s.u[i], 0) - ys[k]) / xs.length;
      for (let i = 0; i < d; i++) {
        gu[i] -= etaU * gamma * r * h1[i];
        for (let j = 0; j < D; j++) gW[i][j] -= etaW * gamma * r * s.u[i] * x[j];
      }
    });
    return { u: gu, W: gW };
  };
  const add = (s: S, g: S, c: number): S => ({ u: s.u.map((v, i) => v + c * g.u[i]), W: s.W.map((row, i) => row.map((v, j) => v + c * g.W[i][j])) });
  let s: S = { u: [...u0], W: W0.map((r) => [...r]) };
  let t = 0;
  const out: number[] = [];
  for (const target of at) {
    while (t < target - 1e-9) {
      const k1 = grad(s);
      const k2 = grad(add(s, k1, h / 2));
      const k3 = grad(add(s, k2, h / 2));
      const k4 = grad(add(s, k3, h));
      s = { u: s.u.map((v, i) => v + (h / 6) * (k1.u[i] + 2 * k2.u[i] + 2 * k3.u[i] + k4.u[i])), W: s.W.map((row, i) => row.map((v, j) => v + (h / 6) * (k1.W[i][j] + 2 * k2.W[i][j] + 2 * k3.W[i][j] + k4.W[i][j]))) };
      t += h;
    }
    out.push(zetaOf(s.u, s.W));
  }
  return out;
}

test('the bridge with collinear inputs of two dimensions: the exact flow\'s ζ is the network\'s ζ (‖uᵀW‖/(|u|‖W‖), W₁\'s part across the data fixed), as a float64 flow of the network gives it', async () => {
  const file = JSON.parse(readFileSync(join(REPO, 'examples', 'networks', 'bridge-linear-network.flab.json'), 'utf8'));
  const value = {
    ...file,
    data: { train: { x: [[1, 2], [2, 4], [-1, -2]], y: [[0.9], [2.1], [-1.0]] } },
    model: { ...file.model, outputScale: 0.7 },
    init: { ...file.init, scale: 0.3 },
    training: { ...file.training, learningRate: [0.03, 0.01], steps: 200, record: { every: 50 } },
  };
  const r = parseAnyExperiment(JSON.stringify(value));
  assert.deepEqual(r.diagnostics, []);
  const run = await NetworkRun.load(r.parsed!.experiment as NetworkExperiment, { baseDir: REPO });
  const flow = bridgeFlow(run.spec, run.data.train, 200);
  const bridge = linearBridge(run.spec, run.data.train, [0]);
  run.dispose();
  assert.ok(flow && 'experiment' in bridge);
  const init = bridge.experiment.init;
  assert.ok(init.kind === 'explicit');
  const steps = [0, 50, 100, 150, 200];
  const xs = [[1, 2], [2, 4], [-1, -2]];
  const reference = referenceZeta(init.u, init.W, xs, [0.9, 2.1, -1.0], 0.7, 0.03, 0.01, steps, 0.05);
  const got = steps.map((s) => flow.zeta(s)!);
  // At θ₀ the network's ζ (0.1712 here), not the model's |cos∠(u, W n)| (0.1577).
  assert.ok(Math.abs(got[0] - zetaOf(init.u, init.W)) < 1e-12, `at θ₀: ${got[0]} against ${zetaOf(init.u, init.W)}`);
  assert.ok(got[4] - got[0] > 0.5, `ζ rises: ${got.join(', ')}`);
  const worst = Math.max(...got.map((z, k) => Math.abs(z - reference[k])));
  assert.ok(worst < 1e-6, `the flow's ζ against the float64 RK4 flow of the network: ${got.join(', ')} against ${reference.join(', ')}`);
  // With weight decay W₁'s part across the data decays and u leaves the closed form: no ζ line (the norms stay).
  const decayed = parseAnyExperiment(JSON.stringify({ ...value, training: { ...value.training, weightDecay: 0.01 } }));
  assert.deepEqual(decayed.diagnostics, []);
  const run2 = await NetworkRun.load(decayed.parsed!.experiment as NetworkExperiment, { baseDir: REPO });
  const flow2 = bridgeFlow(run2.spec, run2.data.train, 200);
  run2.dispose();
  assert.ok(flow2);
  assert.deepEqual(steps.map((s) => flow2.zeta(s)), steps.map(() => null));
  assert.ok(steps.every((s) => flow2.norms[0](s)! > 0));
});
