/**
 * The measurements of a record as ONNX graphs, for a trainer whose steps run on ONNX Runtime
 * (docs/networks.md, "Speed" and "Layer metrics"): the layers' Gram matrices behind ζ and ζ_top, and
 * the tangent features and kernel on the probe batch. Parameters are named and shaped as in
 * stepGraph.ts (W_l as rows, n_l × n_{l−1}; b_l).
 *
 * The Gram graph: inputs W1 … WL; outputs `outer:l` = W_l W_lᵀ (n_l × n_l) for l < L and `inner:l` =
 * W_lᵀ W_l (n_{l−1} × n_{l−1}) for l > 1 — hidden-width squares, since a pair (W_l, W_{l+1}) meets on
 * the hidden layer between them: ‖W_{l+1} W_l‖_F² = ⟨inner:(l+1), outer:l⟩, and their top eigenvectors
 * are W_{l+1}'s top right and W_l's top left singular vectors — plus `outer:L` when n_L < n_{L−1} and
 * `inner:1` when n_0 < n_1, the smaller Gram of the last and first layers, for their Lanczos runs.
 *
 * The kernel graph: inputs X (the probe batch, P × n_0), the parameters, and the reference — `K0`,
 * `D0:l`, `H0:l`, the same at θ₀ (zeros at the first measurement, which makes them); outputs `K` (PC ×
 * PC), `D:l` (PC × n_l, row (i, a) = ∂f_a(x_i)/∂z_l, l = 1 … L) and `H:l` (P × n_l, h_l of each probe
 * sample, l = 1 … L−1) — tangentKernel.ts's definitions, there computed on TensorFlow.js:
 *   D_L = γ e_a per row,  D_{l−1} = (D_l W_l) ⊙ φ′(z_{l−1}),
 *   K = Σ_l η_l (D_l D_lᵀ) ⊙ (H_{l−1} H_{l−1}ᵀ + [bias]) ⊗ 1_{C×C};
 * and the scalars `kernelNorm2` ‖K‖_F², `kernelDistance2` ‖K − K0‖_F², `featureNorm2` ‖J‖²_η = trace K
 * and `featureDistance2` ‖J − J0‖²_η, the last row by row without cancellation (tangentKernel.ts's
 * `KernelChange`): Σ_l η_l Σ_{(i,a)} |Δδ|²|h|² + 2(Δδ·δ₀)(h·Δh) + |δ₀|²|Δh|² (+ |Δδ|² with biases), where
 * Δh = 0 for the probe itself (l = 1). All float32.
 */
import type { NetworkActivation } from '../spec';
import { encodeModel } from './onnxModel';
import { activationBackward, forwardPass, GraphBuilder, parameterNames, parameterShape } from './stepGraph';

/** What the Gram graph computes for layer sizes n_0 … n_L: the names and sizes of its outputs. */
export function gramOutputs(sizes: readonly number[]): { name: string; layer: number; side: 'outer' | 'inner'; size: number }[] {
  const L = sizes.length - 1;
  const out: { name: string; layer: number; side: 'outer' | 'inner'; size: number }[] = [];
  for (let l = 1; l <= L; l++) {
    // The pairs' Grams, and the first and last layers' smaller one when that is not already there (ζ_top's Lanczos runs on it).
    if (l < L || sizes[l] < sizes[l - 1]) out.push({ name: `outer:${l}`, layer: l, side: 'outer', size: sizes[l] });
    if (l > 1 || sizes[l - 1] < sizes[l]) out.push({ name: `inner:${l}`, layer: l, side: 'inner', size: sizes[l - 1] });
  }
  return out;
}

/** Multiply-adds of the Gram graph: n_l²·n_{l−1} per outer and n_{l−1}²·n_l per inner Gram. */
export function gramWork(sizes: readonly number[]): number {
  return gramOutputs(sizes).reduce((w, g) => w + g.size * g.size * (g.side === 'outer' ? sizes[g.layer - 1] : sizes[g.layer]), 0);
}

/** The Gram graph of a network with layer sizes `sizes` (at least two layers). */
export function gramGraph(sizes: readonly number[]): Uint8Array {
  const L = sizes.length - 1;
  if (L < 2) throw new Error(`gramGraph: ${L} layer has no pair to align`);
  const g = new GraphBuilder();
  const outputs = gramOutputs(sizes);
  for (const o of outputs) g.op('Gemm', [`W${o.layer}`, `W${o.layer}`], o.side === 'outer' ? { transB: { int: 1 } } : { transA: { int: 1 } }, o.name);
  const weights = parameterNames(L, false);
  return encodeModel({
    name: 'grams',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: weights.map((p) => ({ name: p, dims: parameterShape(sizes, p) })),
    outputs: outputs.map((o) => ({ name: o.name, dims: [o.size, o.size] })),
  });
}

/** What the kernel graph depends on. */
export interface KernelGraphSpec {
  /** Layer sizes n_0 … n_L. */
  sizes: readonly number[];
  activation: NetworkActivation;
  /** γ. */
  outputScale: number;
  bias: boolean;
  /** η_l, first layer to last: the kernel's metric. */
  rates: readonly number[];
  /** P, the probe batch's samples. */
  samples: number;
}

/** The kernel graph's scalar outputs. */
export const KERNEL_SCALARS = ['kernelNorm2', 'kernelDistance2', 'featureNorm2', 'featureDistance2'] as const;

/** The kernel graph's array outputs (K, D:l, H:l) with their shapes, and the input each is the reference of. */
export function kernelFeatures(spec: Pick<KernelGraphSpec, 'sizes' | 'samples'>): { name: string; reference: string; dims: number[] }[] {
  const { sizes, samples: P } = spec;
  const L = sizes.length - 1;
  const C = sizes[L];
  return [
    { name: 'K', reference: 'K0', dims: [P * C, P * C] },
    ...sizes.slice(1).map((n, l) => ({ name: `D:${l + 1}`, reference: `D0:${l + 1}`, dims: [P * C, n] })),
    ...sizes.slice(1, L).map((n, l) => ({ name: `H:${l + 1}`, reference: `H0:${l + 1}`, dims: [P, n] })),
  ];
}

/** The kernel graph (see the file's comment). */
export function kernelGraph(spec: KernelGraphSpec): Uint8Array {
  const { sizes, samples: P } = spec;
  const L = sizes.length - 1;
  const C = sizes[L];
  if (spec.rates.length !== L) throw new Error(`kernelGraph: ${L} layers need ${L} rates, got ${spec.rates.length}`);
  const g = new GraphBuilder();
  const { inputs, pre } = forwardPass(g, spec, 'X');
  const seed = new Array<number>(P * C * C).fill(0);
  for (let i = 0; i < P; i++) for (let a = 0; a < C; a++) seed[(i * C + a) * C + a] = spec.outputScale;
  g.initializers.push({ name: 'seed', dims: [P * C, C], type: 'float32', values: seed });
  const deltas: string[] = new Array(L);
  let delta = 'seed';
  for (let l = L; l >= 1; l--) {
    deltas[l - 1] = g.op('Identity', [delta], undefined, `D:${l}`);
    if (l > 1) {
      const n = sizes[l - 1];
      const back = g.op('Reshape', [g.op('MatMul', [delta, `W${l}`]), g.ints([P, C, n])]);
      const perSample = (t: string) => g.op('Reshape', [t, g.ints([P, 1, n])]);
      const d = activationBackward(g, spec.activation, back, perSample(pre[l - 2]), perSample(inputs[l - 1]));
      delta = g.op('Reshape', [d, g.ints([P * C, n])]);
    }
  }
  for (let l = 1; l < L; l++) g.op('Identity', [inputs[l]], undefined, `H:${l}`);
  // The tangent features' norm and change, per layer from row dot products: (i, a) rows of D as P × C, rows of H as P × 1.
  const rowDot = (a: string, b: string, shape: number[]) => g.op('Reshape', [g.op('ReduceSum', [g.mul(a, b), g.ints([1])], { keepdims: { int: 0 } }), g.ints(shape)]);
  const total = (t: string) => g.op('ReduceSum', [t], { keepdims: { int: 0 } });
  let featureNorm2: string | null = null;
  let featureDistance2: string | null = null;
  for (let l = 1; l <= L; l++) {
    const rate = spec.rates[l - 1];
    if (rate === 0) continue;
    const d = deltas[l - 1];
    const d0 = `D0:${l}`;
    const h = inputs[l - 1];
    const dd = g.op('Sub', [d, d0]);
    const hh = rowDot(h, h, [P, 1]);
    const dddd = rowDot(dd, dd, [P, C]);
    let norm = g.mul(rowDot(d, d, [P, C]), spec.bias ? g.op('Add', [hh, g.scalar(1)]) : hh);
    let moved = g.mul(dddd, hh);
    if (l > 1) {
      const dh = g.op('Sub', [h, `H0:${l - 1}`]);
      moved = g.op('Add', [moved, g.scale(g.mul(rowDot(dd, d0, [P, C]), rowDot(h, dh, [P, 1])), 2)]);
      moved = g.op('Add', [moved, g.mul(rowDot(d0, d0, [P, C]), rowDot(dh, dh, [P, 1]))]);
    }
    if (spec.bias) moved = g.op('Add', [moved, dddd]);
    norm = g.scale(total(norm), rate);
    moved = g.scale(total(moved), rate);
    featureNorm2 = featureNorm2 ? g.op('Add', [featureNorm2, norm]) : norm;
    featureDistance2 = featureDistance2 ? g.op('Add', [featureDistance2, moved]) : moved;
  }
  g.op('Identity', [featureNorm2 ?? g.scalar(0)], undefined, 'featureNorm2');
  g.op('Identity', [featureDistance2 ?? g.scalar(0)], undefined, 'featureDistance2');
  let kernel: string | null = null;
  for (let l = 1; l <= L; l++) {
    const rate = spec.rates[l - 1];
    if (rate === 0) continue;
    const dd = g.op('Reshape', [g.op('Gemm', [deltas[l - 1], deltas[l - 1]], { transB: { int: 1 } }), g.ints([P, C, P, C])]);
    let hh = g.op('Gemm', [inputs[l - 1], inputs[l - 1]], { transB: { int: 1 } });
    if (spec.bias) hh = g.op('Add', [hh, g.scalar(1)]);
    const term = g.scale(g.mul(dd, g.op('Reshape', [hh, g.ints([P, 1, P, 1])])), rate);
    kernel = kernel ? g.op('Add', [kernel, term]) : term;
  }
  // Every rate 0: the kernel is zero (of the right shape).
  const zero = () => {
    const seedGram = g.op('Gemm', ['seed', 'seed'], { transB: { int: 1 } });
    return g.op('Sub', [seedGram, seedGram]);
  };
  const K = g.op('Reshape', [kernel ?? zero(), g.ints([P * C, P * C])], undefined, 'K');
  g.op('ReduceSumSquare', [K], { keepdims: { int: 0 } }, 'kernelNorm2');
  g.op('ReduceSumSquare', [g.op('Sub', [K, 'K0'])], { keepdims: { int: 0 } }, 'kernelDistance2');
  return encodeModel({
    name: 'tangentKernel',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [
      { name: 'X', dims: [P, sizes[0]] },
      ...parameterNames(L, spec.bias).map((p) => ({ name: p, dims: parameterShape(sizes, p) })),
      ...kernelFeatures(spec).map((f) => ({ name: f.reference, dims: f.dims })),
    ],
    outputs: [
      ...kernelFeatures(spec).map((f) => ({ name: f.name, dims: f.dims })),
      ...KERNEL_SCALARS.map((name) => ({ name, dims: [] })),
    ],
  });
}
