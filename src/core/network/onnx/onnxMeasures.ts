/**
 * The measurements of a record on ONNX Runtime, for a trainer whose steps run there (measureGraph.ts;
 * docs/networks.md, "Layer metrics" and "Speed"): the layers' norms and distances, their Gram matrices
 * (from which measureNetwork takes ζ and ζ_top), and the changes of the tangent kernel and features on
 * the probe batch since the first measurement. Each session is built by `prepare` or at its first use,
 * one thread each, as the step's.
 */
import type * as Ort from 'onnxruntime-node';
import type { LayerGrams, LayerNorms, WeightMatrix } from '../layerMetrics';
import type { KernelMeasure } from '../tangentKernel';
import { gramGraph, gramOutputs, kernelFeatures, KernelGraphSpec, kernelGraph, normGraph } from './measureGraph';
import { OrtModule, SESSION_OPTIONS } from './onnxSteps';

/**
 * The step's session options without the memory pattern: with it, a session's first two runs take
 * fresh memory (the first plans the pattern, the second allocates it: 17–20 ms each for the norms
 * graph's float64 copies, page faults mostly), so the warm-up run of `prepare` would leave the second
 * on the first record; without it, the arena holds what the first run took and later runs reuse it.
 */
const MEASURE_OPTIONS: Ort.InferenceSession.SessionOptions = { ...SESSION_OPTIONS, enableMemPattern: false };

export class OnnxMeasures {
  private normSession: Promise<Ort.InferenceSession> | null = null;
  private gramSession: Promise<Ort.InferenceSession> | null = null;
  private kernelSession: Promise<Ort.InferenceSession> | null = null;
  private readonly probe: Ort.Tensor;
  /** K0, D0:l, H0:l (the first kernel measurement's outputs) and ‖K0‖², ‖J0‖²_η. */
  private reference: Record<string, Ort.Tensor> | null = null;
  private referenceNorms: { kernel2: number; features2: number } | null = null;

  /** `spec`: the network and its probe; `probe`: the probe samples, row-major P × n_0. */
  constructor(
    private readonly ort: OrtModule,
    private readonly spec: KernelGraphSpec,
    private readonly probeX: Float32Array,
  ) {
    if (probeX.length !== spec.samples * spec.sizes[0]) throw new Error(`OnnxMeasures: the probe has ${probeX.length} values, not ${spec.samples} × ${spec.sizes[0]}`);
    this.probe = new ort.Tensor('float32', probeX, [spec.samples, spec.sizes[0]]);
  }

  /** Builds the sessions and runs each once, now (the trainer's set-up, with the step's session), not at their first use. */
  async prepare(): Promise<void> {
    const { sizes } = this.spec;
    this.normSession ??= this.ort.InferenceSession.create(normGraph(sizes), MEASURE_OPTIONS);
    if (sizes.length >= 3) this.gramSession ??= this.ort.InferenceSession.create(gramGraph(sizes), MEASURE_OPTIONS);
    this.kernelSession ??= this.ort.InferenceSession.create(kernelGraph(this.spec), MEASURE_OPTIONS);
    const [norms, grams, kernel] = await Promise.all([this.normSession, this.gramSession, this.kernelSession]);
    // One run of each on zero weights: a session's first run plans its memory and packs its kernels
    // (10–20 ms here), which would otherwise land on the first record.
    const zeros = this.spec.sizes.slice(1).map((rows, l) => ({ rows, cols: this.spec.sizes[l], data: new Float32Array(rows * this.spec.sizes[l]) }));
    const feeds = this.weightFeeds(zeros, this.spec.bias ? this.spec.sizes.slice(1).map((n) => new Float32Array(n)) : null);
    await norms!.run(this.normFeeds(zeros, zeros));
    if (grams) await grams.run(this.weightFeeds(zeros, null));
    for (const f of kernelFeatures(this.spec)) feeds[f.reference] = new this.ort.Tensor('float32', new Float32Array(f.dims.reduce((a, b) => a * b, 1)), f.dims);
    await kernel!.run({ X: this.probe, ...feeds });
  }

  /**
   * Per layer, ‖W_l‖², ‖W_l − W_l(0)‖² and ‖W_l(0)‖², summed in float64 (measureNetwork's `norms`).
   * `weights` and `initial`: W_1 … W_L and their initial values as rows, float32.
   */
  async norms(weights: readonly WeightMatrix[], initial: readonly WeightMatrix[]): Promise<LayerNorms[]> {
    this.normSession ??= this.ort.InferenceSession.create(normGraph(this.spec.sizes), MEASURE_OPTIONS);
    const out = await (await this.normSession).run(this.normFeeds(weights, initial));
    const value = (name: string) => Number((out[name].data as Float64Array)[0]);
    return weights.map((_, l) => ({ norm2: value(`norm2:${l + 1}`), distance2: value(`distance2:${l + 1}`), start2: value(`start2:${l + 1}`) }));
  }

  /**
   * Per layer, the Grams of measureGraph.ts's `gramOutputs` (W_l W_lᵀ for l < L, W_lᵀ W_l for l > 1,
   * and the first and last layers' smaller one), float32 (measureNetwork's `grams`). `weights`: W_1 …
   * W_L as rows, float32. A network of one layer has none.
   */
  async grams(weights: readonly WeightMatrix[]): Promise<LayerGrams[]> {
    const { sizes } = this.spec;
    const grams: LayerGrams[] = weights.map(() => ({}));
    if (sizes.length < 3) return grams;
    this.gramSession ??= this.ort.InferenceSession.create(gramGraph(sizes), MEASURE_OPTIONS);
    const out = await (await this.gramSession).run(this.weightFeeds(weights, null));
    for (const o of gramOutputs(sizes)) grams[o.layer - 1][o.side] = { rows: o.size, cols: o.size, data: out[o.name].data as Float32Array };
    return grams;
  }

  /**
   * The kernel's and the tangent features' change at these parameters (biases null without them) since
   * the first call, whose K, D and H become the reference (and which gives 0, 0).
   */
  async kernelChange(weights: readonly WeightMatrix[], biases: readonly Float32Array[] | null): Promise<KernelMeasure> {
    if (this.spec.bias !== (biases !== null)) throw new Error(`OnnxMeasures.kernelChange: the network ${this.spec.bias ? 'has' : 'has no'} biases`);
    this.kernelSession ??= this.ort.InferenceSession.create(kernelGraph(this.spec), MEASURE_OPTIONS);
    const session = await this.kernelSession;
    const features = kernelFeatures(this.spec);
    const feeds: Record<string, Ort.Tensor> = { X: this.probe, ...this.weightFeeds(weights, biases) };
    const first = !this.reference;
    for (const f of features) feeds[f.reference] = this.reference?.[f.reference] ?? new this.ort.Tensor('float32', new Float32Array(f.dims.reduce((a, b) => a * b, 1)), f.dims);
    // Later runs fetch the scalars only: the arrays stay inside ONNX Runtime.
    const out = first ? await session.run(feeds) : await session.run(feeds, ['kernelDistance2', 'featureDistance2']);
    const scalar = (name: string) => (out[name].data as Float32Array)[0];
    if (first) {
      this.reference = Object.fromEntries(features.map((f) => [f.reference, out[f.name]]));
      this.referenceNorms = { kernel2: scalar('kernelNorm2'), features2: scalar('featureNorm2') };
      return { kernelChange: 0, tangentChange: 0 };
    }
    const ref = this.referenceNorms!;
    const d2 = Math.max(0, scalar('kernelDistance2'));
    const moved2 = Math.max(0, scalar('featureDistance2'));
    return {
      kernelChange: ref.kernel2 > 0 ? Math.sqrt(d2 / ref.kernel2) : Math.sqrt(d2),
      tangentChange: ref.features2 > 0 ? Math.sqrt(moved2 / ref.features2) : Math.sqrt(moved2),
    };
  }

  /** Frees the sessions built so far. */
  release(): void {
    for (const s of [this.normSession, this.gramSession, this.kernelSession]) void s?.then((session) => session.release()).catch(() => undefined);
    this.normSession = this.gramSession = this.kernelSession = null;
  }

  private normFeeds(weights: readonly WeightMatrix[], initial: readonly WeightMatrix[]): Record<string, Ort.Tensor> {
    const feeds = this.weightFeeds(weights, null);
    initial.forEach((w, l) => (feeds[`W0:${l + 1}`] = this.matrix(w)));
    return feeds;
  }

  private matrix(w: WeightMatrix): Ort.Tensor {
    return new this.ort.Tensor('float32', w.data instanceof Float32Array ? w.data : Float32Array.from(w.data), [w.rows, w.cols]);
  }

  private weightFeeds(weights: readonly WeightMatrix[], biases: readonly Float32Array[] | null): Record<string, Ort.Tensor> {
    const feeds: Record<string, Ort.Tensor> = {};
    weights.forEach((w, l) => (feeds[`W${l + 1}`] = this.matrix(w)));
    biases?.forEach((b, l) => (feeds[`b${l + 1}`] = new this.ort.Tensor('float32', b, [b.length])));
    return feeds;
  }
}
