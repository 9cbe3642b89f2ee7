/**
 * The training step and the evaluation of a network experiment as ONNX graphs (docs/networks.md,
 * "Speed"): the same forward pass, loss, backward pass and optimiser update as model.ts and
 * optimizer.ts, written out node by node, since onnxruntime-node has no automatic differentiation.
 *
 * Shapes: a batch of n samples is batch-major, X (n × n_0), Y (n × n_L: one-hot rows or targets). Layer l
 * keeps W_l as rows (n_l × n_{l−1}, the outputs' rows) and b_l (n_l):
 *   z_l = X_{l−1} W_lᵀ + b_l = Gemm(h_{l−1}, W_l, b_l, transB),  h_l = φ(z_l) (l < L),  f = γ z_L,
 *   δ_L = γ (f − y)/n (squared) or γ (softmax(f) − y)/n (cross-entropy),
 *   ∂L/∂W_l = δ_lᵀ h_{l−1} = Gemm(δ_l, h_{l−1}, transA),  ∂L/∂b_l = Σ_rows δ_l,  δ_{l−1} = (δ_l W_l) ⊙ φ′(z_{l−1}).
 * Weight decay adds ρθ to every gradient; the updates are optimizer.ts's.
 *
 * Inputs of the step: X, Y, `invN` (1/n, the mean's divisor), every W_l and b_l, the optimiser's state
 * (`v:` velocity, or `m:` and `s:` Adam's moments, per parameter) and for Adam `c1` = 1 − β₁ᵗ and
 * `c2` = 1 − β₂ᵗ. Outputs: `lossSum` (the loss summed over the batch), `correct` (classes only), and
 * `next:NAME` for every parameter and state tensor NAME.
 */
import type { NetworkActivation, NetworkLoss, NetworkOptimizer } from '../spec';
import { LEAKY_RELU_SLOPE } from '../spec';
import { encodeModel, OnnxInitializer, OnnxNode, TensorSignature } from './onnxModel';

/** What the graphs depend on: everything else is fed at run time. */
export interface StepGraphSpec {
  /** Layer sizes n_0 … n_L. */
  sizes: readonly number[];
  activation: NetworkActivation;
  outputScale: number;
  bias: boolean;
  loss: NetworkLoss;
  /** Whether Y holds one-hot classes (then `correct` is computed). */
  classes: boolean;
  optimizer: NetworkOptimizer;
  /** One learning rate per layer, first to last. */
  learningRates: readonly number[];
  weightDecay: number;
}

/** The parameter names in order: W1 … WL, then b1 … bL (with biases). */
export function parameterNames(layers: number, bias: boolean): string[] {
  const names = Array.from({ length: layers }, (_, l) => `W${l + 1}`);
  if (bias) for (let l = 1; l <= layers; l++) names.push(`b${l}`);
  return names;
}

/** The optimiser's state tensors, one set per parameter: none, the velocity, or Adam's two moments. */
export function stateNames(optimizer: NetworkOptimizer, parameters: readonly string[]): string[] {
  if (optimizer.kind === 'sgd') return optimizer.momentum > 0 ? parameters.map((p) => `v:${p}`) : [];
  return [...parameters.map((p) => `m:${p}`), ...parameters.map((p) => `s:${p}`)];
}

/** The shape of a parameter (W_l: n_l × n_{l−1}; b_l: n_l). */
export function parameterShape(sizes: readonly number[], name: string): number[] {
  const l = Number(name.slice(1));
  return name[0] === 'W' ? [sizes[l], sizes[l - 1]] : [sizes[l]];
}

/** Builds a graph node by node: outputs named in order, constants shared by value. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  /** Appends a node with one output and returns the output's name. */
  op(op: string, inputs: string[], attributes?: OnnxNode['attributes'], output?: string): string {
    const out = output ?? `t${this.count++}`;
    this.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  }

  /** A float32 scalar constant (shared by value). */
  scalar(value: number): string {
    const k = `f:${value}`;
    let name = this.constants.get(k);
    if (!name) {
      name = `k${this.constants.size}`;
      this.constants.set(k, name);
      this.initializers.push({ name, dims: [], type: 'float32', values: [value] });
    }
    return name;
  }

  /** An int64 vector constant (axes). */
  ints(values: number[]): string {
    const k = `i:${values.join(',')}`;
    let name = this.constants.get(k);
    if (!name) {
      name = `k${this.constants.size}`;
      this.constants.set(k, name);
      this.initializers.push({ name, dims: [values.length], type: 'int64', values });
    }
    return name;
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }

  /** a·k for a number k (a itself when k = 1). */
  scale(a: string, k: number): string {
    return k === 1 ? a : this.mul(a, this.scalar(k));
  }
}

/** φ(z). */
export function activate(g: GraphBuilder, activation: NetworkActivation, z: string): string {
  switch (activation) {
    case 'linear': return z;
    case 'relu': return g.op('Relu', [z]);
    case 'leaky_relu': return g.op('LeakyRelu', [z], { alpha: { float: LEAKY_RELU_SLOPE } });
    case 'tanh': return g.op('Tanh', [z]);
    case 'sigmoid': return g.op('Sigmoid', [z]);
    case 'swish': return g.mul(z, g.op('Sigmoid', [z]));
  }
}

/** Which of z and h = φ(z) `activationBackward` reads for an activation: the other may be left ''. */
export function activationBackwardReads(activation: NetworkActivation): { z: boolean; h: boolean } {
  return { z: activation === 'relu' || activation === 'leaky_relu' || activation === 'swish', h: activation === 'tanh' || activation === 'sigmoid' };
}

/**
 * φ′(z) ⊙ d, with h = φ(z): model.ts's activationBackward (relu′(0) = 0, leaky: 0.01); broadcasts as ONNX
 * does. z and h as `activationBackwardReads` says (one of them may be ''). `output`: the name of the
 * result (else a fresh one; the linear activation then returns d itself).
 */
export function activationBackward(g: GraphBuilder, activation: NetworkActivation, d: string, z: string, h: string, output?: string): string {
  const reads = activationBackwardReads(activation);
  if ((reads.z && !z) || (reads.h && !h)) throw new Error(`activationBackward: ${activation}'s derivative reads ${reads.z ? 'z' : 'h'}, not given`);
  switch (activation) {
    case 'linear': return output ? g.op('Identity', [d], undefined, output) : d;
    case 'relu': return g.op('Where', [g.op('Greater', [z, g.scalar(0)]), d, g.scalar(0)], undefined, output);
    case 'leaky_relu': return g.op('Where', [g.op('Greater', [z, g.scalar(0)]), d, g.scale(d, LEAKY_RELU_SLOPE)], undefined, output);
    case 'tanh': return g.op('Mul', [d, g.op('Sub', [g.scalar(1), g.mul(h, h)])], undefined, output);
    case 'sigmoid': return g.op('Mul', [d, g.mul(h, g.op('Sub', [g.scalar(1), h]))], undefined, output);
    case 'swish': {
      const s = g.op('Sigmoid', [z]);
      return g.op('Mul', [d, g.mul(s, g.op('Add', [g.scalar(1), g.mul(z, g.op('Sub', [g.scalar(1), s]))]))], undefined, output);
    }
  }
}

/**
 * The forward pass from the batch `x` (n × n_0) with the parameters W1 … WL (and b1 … bL): `inputs[l]`
 * = h_l (inputs[0] = x), `pre[l]` = z_{l+1}, the last being the network's output before γ.
 */
export function forwardPass(g: GraphBuilder, spec: Pick<StepGraphSpec, 'sizes' | 'activation' | 'bias'>, x: string): { inputs: string[]; pre: string[] } {
  const L = spec.sizes.length - 1;
  const inputs = [x];
  const pre: string[] = [];
  let h = x;
  for (let l = 1; l <= L; l++) {
    const z = g.op('Gemm', spec.bias ? [h, `W${l}`, `b${l}`] : [h, `W${l}`], { transB: { int: 1 } });
    pre.push(z);
    if (l < L) {
      h = activate(g, spec.activation, z);
      inputs.push(h);
    }
  }
  return { inputs, pre };
}

/** The forward pass, the loss summed over the batch, the correct count, and the residual f − y (or softmax(f) − y). */
function forwardAndLoss(g: GraphBuilder, spec: StepGraphSpec, withResidual: boolean): { inputs: string[]; pre: string[]; residual: string | null } {
  const L = spec.sizes.length - 1;
  const { inputs, pre } = forwardPass(g, spec, 'X');
  const f = g.scale(pre[L - 1], spec.outputScale);
  let residual: string | null = null;
  if (spec.loss === 'squared') {
    const diff = g.op('Sub', [f, 'Y']);
    g.op('Mul', [g.op('ReduceSumSquare', [diff], { keepdims: { int: 0 } }), g.scalar(0.5)], undefined, 'lossSum');
    residual = diff;
  } else {
    const logp = g.op('LogSoftmax', [f], { axis: { int: 1 } });
    g.op('Neg', [g.op('ReduceSum', [g.mul(logp, 'Y')], { keepdims: { int: 0 } })], undefined, 'lossSum');
    if (withResidual) residual = g.op('Sub', [g.op('Exp', [logp]), 'Y']);
  }
  if (spec.classes) {
    const argmax = (t: string) => g.op('ArgMax', [t], { axis: { int: 1 }, keepdims: { int: 0 } });
    const hits = g.op('Cast', [g.op('Equal', [argmax(f), argmax('Y')])], { to: { int: 1 } });
    g.op('ReduceSum', [hits], { keepdims: { int: 0 } }, 'correct');
  }
  return { inputs, pre, residual };
}

const batchInputs = (sizes: readonly number[]): TensorSignature[] => [
  { name: 'X', dims: ['n', sizes[0]] },
  { name: 'Y', dims: ['n', sizes[sizes.length - 1]] },
];

const statsOutputs = (spec: StepGraphSpec): TensorSignature[] => [{ name: 'lossSum', dims: [] }, ...(spec.classes ? [{ name: 'correct', dims: [] }] : [])];

/** The evaluation graph: inputs X, Y and the parameters; outputs `lossSum` and (classes) `correct`. */
export function evaluationGraph(spec: StepGraphSpec): Uint8Array {
  const g = new GraphBuilder();
  forwardAndLoss(g, spec, false);
  const parameters = parameterNames(spec.sizes.length - 1, spec.bias);
  return encodeModel({
    name: 'evaluate',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [...batchInputs(spec.sizes), ...parameters.map((p) => ({ name: p, dims: parameterShape(spec.sizes, p) }))],
    outputs: statsOutputs(spec),
  });
}

/** The step graph (see the file's comment for its inputs and outputs). */
export function stepGraph(spec: StepGraphSpec): Uint8Array {
  const L = spec.sizes.length - 1;
  if (spec.learningRates.length !== L) throw new Error(`stepGraph: ${L} layers need ${L} learning rates, got ${spec.learningRates.length}`);
  const g = new GraphBuilder();
  const { inputs, pre, residual } = forwardAndLoss(g, spec, true);
  const opt = spec.optimizer;
  const rho = spec.weightDecay;
  // Plain SGD folds the update into the weight gradient's product: W − η(δᵀh + ρW) = Gemm(δ, h, W; α = −η, β = 1 − ηρ).
  const foldUpdate = opt.kind === 'sgd' && opt.momentum === 0;
  const update = (p: string, gradient: string, rate: number) => {
    if (opt.kind === 'sgd') {
      if (opt.momentum === 0) return g.op('Sub', [p, g.scale(gradient, rate)], undefined, `next:${p}`);
      const v = g.op('Add', [g.scale(`v:${p}`, opt.momentum), gradient], undefined, `next:v:${p}`);
      return g.op('Sub', [p, g.scale(v, rate)], undefined, `next:${p}`);
    }
    const m = g.op('Add', [g.scale(`m:${p}`, opt.beta1), g.scale(gradient, 1 - opt.beta1)], undefined, `next:m:${p}`);
    const s = g.op('Add', [g.scale(`s:${p}`, opt.beta2), g.scale(g.mul(gradient, gradient), 1 - opt.beta2)], undefined, `next:s:${p}`);
    const denominator = g.op('Add', [g.op('Sqrt', [g.op('Div', [s, 'c2'])]), g.scalar(opt.epsilon)]);
    const stepSize = g.op('Div', [g.scalar(rate), 'c1']);
    return g.op('Sub', [p, g.mul(g.op('Div', [m, denominator]), stepSize)], undefined, `next:${p}`);
  };

  let delta = g.mul(residual!, g.scale('invN', spec.outputScale));
  for (let l = L; l >= 1; l--) {
    const W = `W${l}`;
    const rate = spec.learningRates[l - 1];
    if (foldUpdate) {
      g.op('Gemm', [delta, inputs[l - 1], W], { transA: { int: 1 }, alpha: { float: -rate }, beta: { float: 1 - rate * rho } }, `next:${W}`);
    } else {
      const gradient = rho > 0
        ? g.op('Gemm', [delta, inputs[l - 1], W], { transA: { int: 1 }, beta: { float: rho } })
        : g.op('Gemm', [delta, inputs[l - 1]], { transA: { int: 1 } });
      update(W, gradient, rate);
    }
    if (spec.bias) {
      const b = `b${l}`;
      const sum = g.op('ReduceSum', [delta, g.ints([0])], { keepdims: { int: 0 } });
      update(b, rho > 0 ? g.op('Add', [sum, g.scale(b, rho)]) : sum, rate);
    }
    if (l > 1) delta = activationBackward(g, spec.activation, g.op('MatMul', [delta, W]), pre[l - 2], inputs[l - 1]);
  }

  const parameters = parameterNames(L, spec.bias);
  const state = stateNames(opt, parameters);
  const shapeOf = (name: string) => parameterShape(spec.sizes, name.slice(name.lastIndexOf(':') + 1));
  const scalars: TensorSignature[] = [{ name: 'invN', dims: [] }, ...(opt.kind === 'adam' ? [{ name: 'c1', dims: [] }, { name: 'c2', dims: [] }] : [])];
  return encodeModel({
    name: 'step',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [...batchInputs(spec.sizes), ...scalars, ...[...parameters, ...state].map((p) => ({ name: p, dims: shapeOf(p) }))],
    outputs: [...statsOutputs(spec), ...[...parameters, ...state].map((p) => ({ name: `next:${p}`, dims: shapeOf(p) }))],
  });
}
