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
 * PC), `D:l` (P × C × n_l, entry (i, a) = ∂f_a(x_i)/∂z_l) and `H:(l−1)` (P × n_{l−1}, h_{l−1} of each
 * probe sample, for l > 1), for the layers l whose rate is not 0 (`trainedLayers`) — tangentKernel.ts's
 * definitions, there computed on TensorFlow.js:
 *   D_L = γ e_a per row,  D_{l−1} = (D_l W_l) ⊙ φ′(z_{l−1}),
 *   K = Σ_l η_l (D_l D_lᵀ) ⊙ (H_{l−1} H_{l−1}ᵀ + [bias]) ⊗ 1_{C×C};
 * and the scalars `kernelNorm2` ‖K‖_F², `kernelDistance2` ‖K − K0‖_F², `featureNorm2` ‖J‖²_η = trace K
 * and `featureDistance2` ‖J − J0‖²_η, the last row by row without cancellation (tangentKernel.ts's
 * `KernelChange`): Σ_l η_l Σ_{(i,a)} |Δδ|²|h|² + 2(Δδ·δ₀)(h·Δh) + |δ₀|²|Δh|² (+ |Δδ|² with biases), where
 * Δh = 0 for the probe itself (l = 1). All float32.
 */
import type { NetworkActivation } from '../spec';
import { encodeModel } from './onnxModel';
import { activationBackward, activationBackwardReads, forwardPass, GraphBuilder, parameterNames, parameterShape } from './stepGraph';

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

/** The layers whose rate is not 0, first to last (1-based): those the tangent features have a block of. */
export function trainedLayers(rates: readonly number[]): number[] {
  return rates.flatMap((rate, l) => (rate !== 0 ? [l + 1] : []));
}

/**
 * The kernel graph's array outputs with their shapes, and the input each is the reference of: `K`,
 * then `D:l` and, for l > 1, `H:(l−1)` of every layer l with a rate (`trainedLayers`).
 */
export function kernelFeatures(spec: Pick<KernelGraphSpec, 'sizes' | 'samples' | 'rates'>): { name: string; reference: string; dims: number[] }[] {
  const { sizes, samples: P } = spec;
  const C = sizes[sizes.length - 1];
  const features = [{ name: 'K', reference: 'K0', dims: [P * C, P * C] }];
  for (const l of trainedLayers(spec.rates)) {
    features.push({ name: `D:${l}`, reference: `D0:${l}`, dims: [P, C, sizes[l]] });
    if (l > 1) features.push({ name: `H:${l - 1}`, reference: `H0:${l - 1}`, dims: [P, sizes[l - 1]] });
  }
  return features;
}

/**
 * The kernel graph (see the file's comment). It is written for few nodes and few large temporaries:
 * building its session costs about 17 µs a node, encoding it about as much, and every large temporary
 * is fresh memory at every run (docs/networks.md, "Speed"). So the deltas are kept per sample and
 * output (P × C × n_l, the per-sample φ′ broadcast over the outputs without copies), the row products
 * of the tangent features are sums of squares along the last axis, the rates scale the per-row sums,
 * and ‖J‖²_η is the trace of K.
 */
export function kernelGraph(spec: KernelGraphSpec): Uint8Array {
  const { sizes, samples: P } = spec;
  const L = sizes.length - 1;
  const C = sizes[L];
  if (spec.rates.length !== L) throw new Error(`kernelGraph: ${L} layers need ${L} rates, got ${spec.rates.length}`);
  const trained = trainedLayers(spec.rates);
  const g = new GraphBuilder();
  const { inputs, pre } = forwardPass(g, spec, 'X');
  // D_L = γ e_a for row (i, a): P·C × C, and as P × C × C.
  const seed = new Float32Array(P * C * C);
  for (let i = 0; i < P; i++) for (let a = 0; a < C; a++) seed[(i * C + a) * C + a] = spec.outputScale;
  g.initializers.push({ name: 'seed', dims: [P * C, C], type: 'float32', values: seed });
  const reads = activationBackwardReads(spec.activation);
  const isTrained = (l: number) => spec.rates[l - 1] !== 0;
  const deltas: string[] = new Array(L);
  deltas[L - 1] = g.op('Reshape', ['seed', g.ints([P, C, C])], undefined, isTrained(L) ? `D:${L}` : undefined);
  for (let l = L; l > (trained[0] ?? L); l--) {
    // D_{l−1} = (D_l W_l) ⊙ φ′(z_{l−1}), P × C × n_{l−1}; z and h broadcast over the outputs as P × 1 × n_{l−1}.
    const perSample = (t: string) => g.op('Reshape', [t, g.ints([P, 1, sizes[l - 1]])]);
    const back = g.op('MatMul', [deltas[l - 1], `W${l}`]);
    const z = reads.z ? perSample(pre[l - 2]) : '';
    const h = reads.h ? perSample(inputs[l - 1]) : '';
    deltas[l - 2] = activationBackward(g, spec.activation, back, z, h, isTrained(l - 1) ? `D:${l - 1}` : undefined);
  }
  // K = Σ_l η_l (D_l D_lᵀ) ⊙ ((H_{l−1} H_{l−1}ᵀ + [bias]) ⊗ 1_{C×C}), as P × C × P × C.
  let kernel: string | null = null;
  for (const l of trained) {
    const rate = spec.rates[l - 1];
    const d = l === L ? 'seed' : g.op('Reshape', [deltas[l - 1], g.ints([P * C, sizes[l]])]);
    const dd = g.op('Reshape', [g.op('Gemm', [d, d], { transB: { int: 1 } }), g.ints([P, C, P, C])]);
    const h = inputs[l - 1];
    const hh = g.op('Gemm', spec.bias ? [h, h, g.scalar(rate)] : [h, h], { transB: { int: 1 }, alpha: { float: rate } });
    const term = g.mul(dd, g.op('Reshape', [hh, g.ints([P, 1, P, 1])]));
    kernel = kernel ? g.op('Add', [kernel, term]) : term;
  }
  // Every rate 0: the kernel is zero (of the right shape).
  const zero = () => {
    const seedGram = g.op('Gemm', ['seed', 'seed'], { transB: { int: 1 } });
    return g.op('Sub', [seedGram, seedGram]);
  };
  const PC = P * C;
  const K = g.op('Reshape', [kernel ?? zero(), g.ints([PC, PC])], undefined, 'K');
  g.op('ReduceSumSquare', [K], { keepdims: { int: 0 } }, 'kernelNorm2');
  g.op('ReduceSumSquare', [g.op('Sub', [K, 'K0'])], { keepdims: { int: 0 } }, 'kernelDistance2');
  // ‖J‖²_η = trace K: every (PC + 1)-th entry of K flattened.
  const diagonal = g.op('Slice', [g.op('Reshape', [K, g.ints([PC * PC])]), g.ints([0]), g.ints([PC * PC]), g.ints([0]), g.ints([PC + 1])]);
  g.op('ReduceSum', [diagonal], { keepdims: { int: 0 } }, 'featureNorm2');
  // ‖J − J0‖²_η per row (i, a), layer by layer: with Δδ = D − D0 and Δh = H − H0 (0 for the probe
  // itself, l = 1), η_l (|Δδ|²|h|² + 2(Δδ·δ₀)(h·Δh) + |δ₀|²|Δh|² [+ |Δδ|² with biases]), as P × C.
  const squares = (t: string, axis: number, keepdims: number) => g.op('ReduceSumSquare', [t], { axes: { ints: [axis] }, keepdims: { int: keepdims } });
  const dots = (a: string, b: string, axis: number, keepdims: number) => g.op('ReduceSum', [g.mul(a, b), g.ints([axis])], { keepdims: { int: keepdims } });
  let moved: string | null = null;
  for (const l of trained) {
    const h = inputs[l - 1];
    const dD = g.op('Sub', [deltas[l - 1], `D0:${l}`]);
    const dDdD = squares(dD, 2, 0);
    const hh = squares(h, 1, 1);
    let term = g.mul(dDdD, hh);
    if (l > 1) {
      const dH = g.op('Sub', [h, `H0:${l - 1}`]);
      const cross = g.scale(g.mul(dots(dD, `D0:${l}`, 2, 0), dots(h, dH, 1, 1)), 2);
      term = g.op('Add', [g.op('Add', [term, cross]), g.mul(squares(`D0:${l}`, 2, 0), squares(dH, 1, 1))]);
      g.op('Identity', [h], undefined, `H:${l - 1}`);
    }
    if (spec.bias) term = g.op('Add', [term, dDdD]);
    term = g.scale(term, spec.rates[l - 1]);
    moved = moved ? g.op('Add', [moved, term]) : term;
  }
  g.op('ReduceSum', [moved ?? g.scalar(0)], { keepdims: { int: 0 } }, 'featureDistance2');
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
