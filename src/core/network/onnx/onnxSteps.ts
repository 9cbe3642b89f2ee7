/**
 * The training step on ONNX Runtime (onnxruntime-node, CPU, one thread per session): stepGraph.ts's
 * graphs, with the parameters and the optimiser's state kept in JavaScript as float32 arrays and fed
 * back at every step (docs/networks.md, "Speed"). The native library is loaded on first use; where it
 * has no build (Intel macOS, Alpine, armhf, the web) `onnxRuntime()` says why and the trainer stays
 * on TensorFlow.js.
 */
import type * as Ort from 'onnxruntime-node';
import type { WeightMatrix } from '../layerMetrics';
import { evaluationGraph, parameterNames, parameterShape, stateNames, StepGraphSpec, stepGraph } from './stepGraph';

export type OrtModule = typeof Ort;
let loaded: OrtModule | Error | undefined;

/** onnxruntime-node, loaded once per thread; the error of loading it when it cannot be. */
export function onnxRuntime(): OrtModule | Error {
  if (loaded === undefined) {
    try {
      // A run-time require, kept out of the bundles (scripts/build.mjs): the package carries a native binary
      // per platform, and a platform without one must still load the trainer and fall back to TensorFlow.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('onnxruntime-node') as OrtModule;
    } catch (e) {
      loaded = e instanceof Error ? e : new Error(String(e));
    }
  }
  return loaded;
}

/** Per session: one thread, nodes in order, every graph optimisation. Sweeps run one worker per core. */
export const SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

/** Loss summed over a batch, and its correct predictions (0 without classes). */
export interface BatchStats {
  lossSum: number;
  correct: number;
}

/** A computed step not yet taken: its batch's statistics at the current weights, and the next values. */
export interface PendingStep extends BatchStats {
  readonly next: ReadonlyMap<string, Float32Array>;
}

export class OnnxSteps {
  /** Current parameters (W1 … WL as rows, out × in; b1 … bL) and optimiser state, by graph name. */
  private values = new Map<string, Float32Array>();
  /** Adam steps taken (t). */
  private adamSteps = 0;
  private readonly names: { parameters: string[]; state: string[] };

  private constructor(
    private readonly ort: OrtModule,
    private readonly spec: StepGraphSpec,
    private readonly stepSession: Ort.InferenceSession,
    private readonly evalSession: Ort.InferenceSession,
    initial: readonly WeightMatrix[],
  ) {
    const L = spec.sizes.length - 1;
    const parameters = parameterNames(L, spec.bias);
    this.names = { parameters, state: stateNames(spec.optimizer, parameters) };
    // θ₀ as given when float32 (ONNX Runtime only reads its inputs, and a step makes new arrays): the
    // trainer's θ₀ and these are then one array, which the measurements at θ₀ keep (firstMeasurements.ts).
    initial.forEach((w, l) => this.values.set(`W${l + 1}`, w.data instanceof Float32Array ? w.data : Float32Array.from(w.data)));
    for (const name of [...parameters.slice(L), ...this.names.state]) {
      this.values.set(name, new Float32Array(parameterShape(spec.sizes, name.slice(name.lastIndexOf(':') + 1)).reduce((a, b) => a * b, 1)));
    }
  }

  /** Builds both graphs and their sessions; θ₀ = `initial` (rows), biases and moments 0. */
  static async create(ort: OrtModule, spec: StepGraphSpec, initial: readonly WeightMatrix[]): Promise<OnnxSteps> {
    const step = await ort.InferenceSession.create(stepGraph(spec), SESSION_OPTIONS);
    const evaluate = await ort.InferenceSession.create(evaluationGraph(spec), SESSION_OPTIONS);
    return new OnnxSteps(ort, spec, step, evaluate, initial);
  }

  /**
   * The step on a batch of `rows` samples (x: rows × n_0, y: rows × n_L, row-major), the loss being the
   * mean over the batch. Nothing changes until `commit`.
   */
  async step(x: Float32Array, y: Float32Array, rows: number): Promise<PendingStep> {
    const feeds = this.batchFeeds(x, y, rows);
    feeds.invN = this.scalar(1 / rows);
    if (this.spec.optimizer.kind === 'adam') {
      const t = this.adamSteps + 1;
      feeds.c1 = this.scalar(1 - Math.pow(this.spec.optimizer.beta1, t));
      feeds.c2 = this.scalar(1 - Math.pow(this.spec.optimizer.beta2, t));
    }
    for (const name of [...this.names.parameters, ...this.names.state]) feeds[name] = this.tensor(name);
    const out = await this.stepSession.run(feeds);
    const next = new Map<string, Float32Array>();
    for (const name of [...this.names.parameters, ...this.names.state]) next.set(name, out[`next:${name}`].data as Float32Array);
    return { ...this.stats(out), next };
  }

  /** Takes a computed step. */
  commit(step: PendingStep): void {
    this.values = new Map(step.next);
    if (this.spec.optimizer.kind === 'adam') this.adamSteps++;
  }

  /** The loss summed over `rows` samples and the correct predictions, at the current parameters. */
  async evaluate(x: Float32Array, y: Float32Array, rows: number): Promise<BatchStats> {
    const feeds = this.batchFeeds(x, y, rows);
    for (const name of this.names.parameters) feeds[name] = this.tensor(name);
    return this.stats(await this.evalSession.run(feeds));
  }

  /**
   * The current weights W_1 … W_L as rows (out × in). The arrays are the trainer's own and are never
   * written again (a step makes new ones): read them, do not change them.
   */
  weights(): WeightMatrix[] {
    const s = this.spec.sizes;
    return s.slice(1).map((rows, l) => ({ rows, cols: s[l], data: this.values.get(`W${l + 1}`)! }));
  }

  /** The current biases b_1 … b_L (the trainer's own arrays, as for `weights`); null without biases. */
  biases(): Float32Array[] | null {
    return this.spec.bias ? this.spec.sizes.slice(1).map((_, l) => this.values.get(`b${l + 1}`)!) : null;
  }

  /** Frees both sessions. */
  release(): void {
    void this.stepSession.release().catch(() => undefined);
    void this.evalSession.release().catch(() => undefined);
  }

  private batchFeeds(x: Float32Array, y: Float32Array, rows: number): Record<string, Ort.Tensor> {
    const s = this.spec.sizes;
    return {
      X: new this.ort.Tensor('float32', x, [rows, s[0]]),
      Y: new this.ort.Tensor('float32', y, [rows, s[s.length - 1]]),
    };
  }

  private scalar(v: number): Ort.Tensor {
    return new this.ort.Tensor('float32', Float32Array.of(v), []);
  }

  private tensor(name: string): Ort.Tensor {
    return new this.ort.Tensor('float32', this.values.get(name)!, parameterShape(this.spec.sizes, name.slice(name.lastIndexOf(':') + 1)));
  }

  private stats(out: Ort.InferenceSession.ReturnType): BatchStats {
    return { lossSum: (out.lossSum.data as Float32Array)[0], correct: this.spec.classes ? (out.correct.data as Float32Array)[0] : 0 };
  }
}
