/**
 * The measurements of a record on ONNX Runtime, for a trainer whose steps run there (measureGraph.ts;
 * docs/networks.md, "Layer metrics" and "Speed"): the layers' Gram matrices (from which measureNetwork
 * takes ζ and ζ_top), and the changes of the tangent kernel and features on the probe batch since the
 * first measurement. Each session is built at its first use (or taken from the thread's pool of
 * sessions that earlier runs gave back), one thread, as the step's; that first use pays for building
 * it and for its first run's memory, and the trainer counts both as measurement time.
 */
import type * as Ort from 'onnxruntime-node';
import { frobeniusNorm, LayerGrams, timesPowerOfTwo, unitShift, WeightMatrix } from '../layerMetrics';
import { FirstMeasurements } from '../firstMeasurements';
import { featureNorm2, kernelSumLength, kernelUnits, KernelMeasure, plainlyInRange, referenceInRange } from '../tangentKernel';
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

/**
 * Measurement sessions kept between the runs of one thread, by their graph's spec. A worker trains run
 * after run — every edit of the file starts one, most with the same network — and building the kernel
 * graph's session took ≈ 3 ms of a warm one-epoch run's ≈ 10 ms of kernel measurements (docs/networks.md,
 * "Speed"). A session is here only while no run holds it (`OnnxMeasures.release` gives it back); the
 * last IDLE_SESSIONS given back are kept, older ones released (an idle session holds its graph, whose
 * largest part is the kernel's backward seed, P·C² floats: 10 KB for 784-256³-10, 16 MB at 2,048 outputs).
 */
export const IDLE_SESSIONS = 4;
const idleSessions = new Map<string, Ort.InferenceSession>();
let sessionsBuilt = 0;

/** A session of ONNX Runtime for a measurement graph, with its key in the pool. */
interface HeldSession {
  key: string;
  session: Ort.InferenceSession;
}

/**
 * A session of the graph `key` names: an idle one if kept, else one built from `graph()`. The key
 * is the graph's spec (a graph is a function of it), so a kept session costs neither the graph's
 * encoding nor a hash of its bytes.
 */
async function holdSession(ort: OrtModule, key: string, graph: () => Uint8Array): Promise<HeldSession> {
  const kept = idleSessions.get(key);
  if (kept) {
    idleSessions.delete(key);
    return { key, session: kept };
  }
  const session = await ort.InferenceSession.create(graph(), MEASURE_OPTIONS);
  sessionsBuilt++;
  return { key, session };
}

/** Gives a held session back to the pool (releasing it when one of the same graph is already idle) and trims the pool. */
function giveBack(held: HeldSession): void {
  const release = (s: Ort.InferenceSession) => void s.release().catch(() => undefined);
  if (idleSessions.has(held.key)) return release(held.session);
  idleSessions.set(held.key, held.session);
  for (const [key, session] of idleSessions) {
    if (idleSessions.size <= IDLE_SESSIONS) break;
    idleSessions.delete(key);
    release(session);
  }
}

/** How many measurement sessions this thread has built, and how many are idle in the pool (for tests and diagnostics). */
export function measurementSessions(): { built: number; idle: number } {
  return { built: sessionsBuilt, idle: idleSessions.size };
}

/** ‖K₀‖², ‖J₀‖²_η and whether float32 holds each (the first kernel measurement's). */
interface ReferenceNorms {
  kernel2: number;
  features2: number;
  inRange: { kernel: boolean; features: boolean };
}

/**
 * The first kernel measurements of this thread's last four runs (firstMeasurements.ts): the reference
 * K₀, D₀, H₀ and its norms, by the kernel graph's spec and the exact parameters and probe. A run from
 * the same θ₀, probe and kernel spec (γ and the rates in `kernelUnits`) takes them instead of
 * measuring; ONNX Runtime only reads the tensors, so runs can share them.
 */
const firstKernels = new FirstMeasurements<{ reference: Record<string, Ort.Tensor>; norms: ReferenceNorms }>(4);

/** How many first kernel measurements this thread took from an earlier run, and how many it keeps (for tests and diagnostics). */
export function firstKernelMeasurements(): { hits: number; kept: number } {
  return { hits: firstKernels.hits, kept: firstKernels.size };
}

/** Float32 tensors of these names and shapes, in one array: outputs for ONNX Runtime to write into. */
function preallocated(ort: OrtModule, outputs: readonly { name: string; dims: number[] }[]): Record<string, Ort.Tensor> {
  const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  const all = new Float32Array(outputs.reduce((n, o) => n + size(o.dims), 0));
  const tensors: Record<string, Ort.Tensor> = {};
  let at = 0;
  for (const o of outputs) {
    tensors[o.name] = new ort.Tensor('float32', all.subarray(at, at + size(o.dims)), o.dims);
    at += size(o.dims);
  }
  return tensors;
}

export class OnnxMeasures {
  private gramSession: Promise<HeldSession> | null = null;
  /** The Gram graph's outputs, made at its first run and written by every run (`grams`). */
  private gramOutputs: Record<string, Ort.Tensor> | null = null;
  private kernelSession: Promise<HeldSession> | null = null;
  private readonly probe: Ort.Tensor;
  /** The kernel graph's spec: γ and the rates times powers of two (`kernelUnits`), which the changes do not depend on. */
  private readonly kernelSpec: KernelGraphSpec;
  /** K0, D0:l, H0:l (the first kernel measurement's outputs) and ‖K0‖², ‖J0‖²_η. */
  private reference: Record<string, Ort.Tensor> | null = null;
  private referenceNorms: ReferenceNorms | null = null;

  /** `spec`: the network and its probe; `probe`: the probe samples, row-major P × n_0. */
  constructor(
    private readonly ort: OrtModule,
    private readonly spec: KernelGraphSpec,
    private readonly probeX: Float32Array,
  ) {
    if (probeX.length !== spec.samples * spec.sizes[0]) throw new Error(`OnnxMeasures: the probe has ${probeX.length} values, not ${spec.samples} × ${spec.sizes[0]}`);
    this.probe = new ort.Tensor('float32', probeX, [spec.samples, spec.sizes[0]]);
    this.kernelSpec = { ...spec, ...kernelUnits(spec.outputScale, spec.rates) };
  }

  /**
   * Per layer, the Grams of measureGraph.ts's `gramOutputs` (W_l W_lᵀ for l < L, W_lᵀ W_l for l > 1,
   * and the first and last layers' smaller one), float32 (measureNetwork's `grams`), each of W_l times
   * 2^shift_l (`unitShift`, in `LayerGrams.shift`; 0, and W_l fed as it is, unless its entries' RMS lies
   * outside [2⁻¹⁶, 2¹⁶]): so every float32 product is in range for any finite weights (docs/networks.md,
   * "Layer metrics"). `weights`: W_1 … W_L as rows, float32 (float64 is scaled, then rounded to
   * float32); `norms`: their Frobenius norms when already computed (else one float64 pass over each). A
   * network of one layer has none. The Grams' arrays are this object's, written again by the next call:
   * ONNX Runtime writes into them instead of into fresh memory of its own that the binding then copies
   * (a fresh epoch's first Gram run: 5.9 → 5.2 ms; docs/networks.md, "Speed").
   */
  async grams(weights: readonly WeightMatrix[], norms?: readonly number[]): Promise<LayerGrams[]> {
    const { sizes } = this.spec;
    const grams: LayerGrams[] = weights.map(() => ({}));
    if (sizes.length < 3) return grams;
    const shifts = weights.map((w, l) => unitShift(norms?.[l] ?? frobeniusNorm(w), w.rows * w.cols));
    this.gramSession ??= holdSession(this.ort, `grams ${sizes.join(' ')}`, () => gramGraph(sizes));
    const feeds: Record<string, Ort.Tensor> = {};
    weights.forEach((w, l) => (feeds[`W${l + 1}`] = this.matrix(w, shifts[l])));
    this.gramOutputs ??= preallocated(this.ort, gramOutputs(sizes).map((o) => ({ name: o.name, dims: [o.size, o.size] })));
    await (await this.gramSession).session.run(feeds, this.gramOutputs);
    shifts.forEach((shift, l) => (grams[l].shift = shift));
    for (const o of gramOutputs(sizes)) grams[o.layer - 1][o.side] = { rows: o.size, cols: o.size, data: this.gramOutputs[o.name].data as Float32Array };
    return grams;
  }

  /**
   * The kernel's and the tangent features' change at these parameters (biases null without them) since
   * the first call, whose K, D and H become the reference (and which gives 0, 0) — taken from an earlier
   * run of this thread when its first call had the same parameters, probe and spec (`firstKernels`).
   * Each is NaN when float32 cannot hold it: a reference out of range (`referenceInRange`, checked
   * against ‖J₀‖²_η in float64 from D₀ and H₀), or a change that is not finite (docs/networks.md,
   * "Measurements"). The first call's arrays are kept by `firstKernels`: they must not be written again.
   */
  async kernelChange(weights: readonly WeightMatrix[], biases: readonly Float32Array[] | null): Promise<KernelMeasure> {
    if (this.spec.bias !== (biases !== null)) throw new Error(`OnnxMeasures.kernelChange: the network ${this.spec.bias ? 'has' : 'has no'} biases`);
    const { sizes, activation, outputScale, bias, rates, samples } = this.kernelSpec;
    const key = `kernel ${JSON.stringify([sizes, activation, outputScale, bias, rates, samples])}`;
    const first = !this.reference;
    // The first call's parameters and probe, exactly as an earlier run of this thread measured them: its reference.
    const at = first ? [this.probeX, ...weights.map((w) => w.data), ...(biases ?? [])] : [];
    const earlier = first ? firstKernels.get(key, at) : undefined;
    if (earlier) {
      ({ reference: this.reference, norms: this.referenceNorms } = earlier);
      return { kernelChange: earlier.norms.inRange.kernel ? 0 : NaN, tangentChange: earlier.norms.inRange.features ? 0 : NaN, featuresVanished: false };
    }
    this.kernelSession ??= holdSession(this.ort, key, () => kernelGraph(this.kernelSpec));
    const { session } = await this.kernelSession;
    const features = kernelFeatures(this.spec);
    const feeds: Record<string, Ort.Tensor> = { X: this.probe, ...this.weightFeeds(weights, biases) };
    // The first run's references are zeros, views of one buffer (ONNX Runtime only reads its inputs).
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const zeros = first ? new Float32Array(Math.max(...features.map((f) => size(f.dims)))) : null;
    for (const f of features) feeds[f.reference] = this.reference?.[f.reference] ?? new this.ort.Tensor('float32', zeros!.subarray(0, size(f.dims)), f.dims);
    // Later runs fetch the scalars only: the arrays stay inside ONNX Runtime.
    const out = first ? await session.run(feeds) : await session.run(feeds, ['kernelDistance2', 'featureDistance2', 'featureNorm2']);
    const scalar = (name: string) => (out[name].data as Float32Array)[0];
    if (first) {
      this.reference = Object.fromEntries(features.map((f) => [f.reference, out[f.name]]));
      const array = (name: string) => out[name].data as Float32Array;
      const sums = { kernel2: scalar('kernelNorm2'), features2: scalar('featureNorm2'), terms: kernelSumLength(sizes, samples * sizes[sizes.length - 1]) };
      // The float64 pass over the features only when the engine's own sums disagree (it costs a fresh
      // epoch's first measurement several milliseconds of the compiler's warm-up).
      const inRange = plainlyInRange(array('K'), sums)
        ? { kernel: true, features: true }
        : referenceInRange(array('K'), featureNorm2(this.layerFeatures(array), rates, bias, samples, sizes[sizes.length - 1]), sums);
      this.referenceNorms = { ...sums, inRange };
      const bytes = Object.values(this.reference).reduce((n, t) => n + 4 * t.size, 0);
      firstKernels.set(key, at, { reference: this.reference, norms: this.referenceNorms }, bytes);
      return { kernelChange: inRange.kernel ? 0 : NaN, tangentChange: inRange.features ? 0 : NaN, featuresVanished: false };
    }
    const ref = this.referenceNorms!;
    const d2 = Math.max(0, scalar('kernelDistance2'));
    const moved2 = Math.max(0, scalar('featureDistance2'));
    const kernelChange = ref.kernel2 > 0 ? Math.sqrt(d2 / ref.kernel2) : Math.sqrt(d2);
    const tangentChange = ref.features2 > 0 ? Math.sqrt(moved2 / ref.features2) : Math.sqrt(moved2);
    return {
      kernelChange: ref.inRange.kernel && Number.isFinite(kernelChange) ? kernelChange : NaN,
      tangentChange: ref.inRange.features && Number.isFinite(tangentChange) ? tangentChange : NaN,
      featuresVanished: ref.features2 > 0 && scalar('featureNorm2') === 0,
    };
  }

  /** The kernel graph's D:l and H:(l−1) as tangentKernel.ts's features, per layer (empty for a layer of rate 0). */
  private layerFeatures(array: (name: string) => Float32Array): { deltas: Float32Array[]; inputs: Float32Array[] } {
    const none = new Float32Array(0);
    const { rates } = this.spec;
    return {
      deltas: rates.map((rate, l) => (rate !== 0 ? array(`D:${l + 1}`) : none)),
      inputs: rates.map((rate, l) => (rate === 0 ? none : l === 0 ? this.probeX : array(`H:${l}`))),
    };
  }

  /** Gives the sessions held so far back to the thread's pool (see IDLE_SESSIONS). */
  release(): void {
    for (const s of [this.gramSession, this.kernelSession]) void s?.then(giveBack).catch(() => undefined);
    this.gramSession = this.kernelSession = null;
  }

  /** W × 2^shift as a float32 tensor: W's own array when it is float32 and not shifted, else a copy (exact for float32 W). */
  private matrix(w: WeightMatrix, shift = 0): Ort.Tensor {
    let data: Float32Array;
    if (shift === 0) {
      data = w.data instanceof Float32Array ? w.data : Float32Array.from(w.data);
    } else {
      data = new Float32Array(w.data.length);
      const src = w.data;
      for (let i = 0; i < src.length; i++) data[i] = timesPowerOfTwo(src[i], shift);
    }
    return new this.ort.Tensor('float32', data, [w.rows, w.cols]);
  }

  private weightFeeds(weights: readonly WeightMatrix[], biases: readonly Float32Array[] | null): Record<string, Ort.Tensor> {
    const feeds: Record<string, Ort.Tensor> = {};
    weights.forEach((w, l) => (feeds[`W${l + 1}`] = this.matrix(w)));
    biases?.forEach((b, l) => (feeds[`b${l + 1}`] = new this.ort.Tensor('float32', b, [b.length])));
    return feeds;
  }
}
