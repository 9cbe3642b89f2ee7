/**
 * The measurements of a record on ONNX Runtime, for a trainer whose steps run there (measureGraph.ts;
 * docs/networks.md, "Layer metrics" and "Speed"): the layers' Gram matrices (from which measureNetwork
 * takes ζ and ζ_top), and the changes of the tangent kernel and features on the probe batch since the
 * first measurement. Each session is built at its first use, one thread, as the step's; that first
 * use pays for building it and for its first run's memory, and the trainer counts both as measurement
 * time.
 */
import type * as Ort from 'onnxruntime-node';
import type { LayerGrams, WeightMatrix } from '../layerMetrics';
import type { KernelMeasure } from '../tangentKernel';
import { gramGraph, gramOutputs, kernelFeatures, KernelGraphSpec, kernelGraph } from './measureGraph';
import { OrtModule, SESSION_OPTIONS } from './onnxSteps';

/**
 * The step's session options, with three changes for graphs that run a few times a run. First-touched
 * memory is dear on these machines (a page fault costs about 14 µs a 4 KiB page, 3.5 ms a MiB), and
 * a fresh process's measurements were mostly that:
 * - No arena of their own: their tensors come from the process's heap, partly memory the steps have
 *   freed (a fresh epoch's kernel measurements, build included, took 24 ms instead of 31).
 * - No memory pattern: with it, a session's first two runs take fresh memory (the first plans the
 *   pattern, the second allocates it).
 * - No graph optimisation: it took 4–10 ms of the kernel graph's 8–15 ms build, and the runs are as
 *   fast without it (2.0 ms on 784-256³-10, 25 probe samples).
 */
const MEASURE_OPTIONS: Ort.InferenceSession.SessionOptions = { ...SESSION_OPTIONS, enableCpuMemArena: false, enableMemPattern: false, graphOptimizationLevel: 'disabled' };

export class OnnxMeasures {
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
    // The first run's references are zeros, views of one buffer (ONNX Runtime only reads its inputs).
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const zeros = first ? new Float32Array(Math.max(...features.map((f) => size(f.dims)))) : null;
    for (const f of features) feeds[f.reference] = this.reference?.[f.reference] ?? new this.ort.Tensor('float32', zeros!.subarray(0, size(f.dims)), f.dims);
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
    for (const s of [this.gramSession, this.kernelSession]) void s?.then((session) => session.release()).catch(() => undefined);
    this.gramSession = this.kernelSession = null;
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
