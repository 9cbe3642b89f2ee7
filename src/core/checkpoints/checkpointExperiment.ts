/**
 * A checkpoint experiment file, normalised (docs/checkpoints.md, "The experiment file"): the checkpoint
 * form of media/flab.schema.json — a file with a top-level `checkpoints` — as the reader's spec and the
 * label's thresholds. The schema checks every value; the glob and the layer names can only be checked
 * against the files, which the reader does (its problems name the file and the key).
 */
import { DEFAULT_LAYER_THRESHOLDS, LayerThresholds } from '../mechanisms/layerLabel';

/**
 * How a checkpoint stores a layer's weight matrix: `out×in` — PyTorch's `nn.Linear.weight`, a row per
 * output (the default) — or `in×out` — a dense kernel of JAX/Flax and Keras, a column per output, and a
 * convolution kernel whose last dimension is its outputs (k × k × in × out) — read transposed, so that
 * every layer is measured as out × in.
 */
export type KernelLayout = 'out×in' | 'in×out';

/** The layouts `checkpoints.layout` accepts; the first is the default. */
export const KERNEL_LAYOUTS: readonly KernelLayout[] = ['out×in', 'in×out'];

/** The `checkpoints` entry of an experiment (docs/checkpoints.md, "The experiment file"). */
export interface CheckpointsSpec {
  /** A glob of safetensors files, relative to the experiment file's folder (or absolute). */
  path: string;
  /** The weight tensors in network order; by default every 2-D tensor whose name ends in "weight", in natural order. */
  layers?: readonly string[];
  /** The metrics JSON Lines file; by default `metrics.jsonl` in the folder the glob starts from. */
  metrics?: string;
  /** How the layers are stored (`KernelLayout`); left out, `out×in`. */
  layout?: KernelLayout;
}

/**
 * The thresholds of a checkpoint series' label (docs/networks.md, "Labels"): checkpoints carry no data,
 * so the kernel test is the largest relative distance from the first checkpoint.
 */
export type CheckpointThresholds = Pick<LayerThresholds, 'distance' | 'zetaChange' | 'balanceChange'>;

/** The defaults: 0.1 for the distance and for ζ, 1 for the balance (the linear model's). */
export const CHECKPOINT_THRESHOLDS: CheckpointThresholds = { distance: DEFAULT_LAYER_THRESHOLDS.distance, zetaChange: DEFAULT_LAYER_THRESHOLDS.zetaChange, balanceChange: DEFAULT_LAYER_THRESHOLDS.balanceChange };

export interface CheckpointExperiment {
  name?: string;
  description?: string;
  /** Where the checkpoints are (`path`, a glob relative to the experiment file), which tensors are the layers, the metrics file. */
  checkpoints: CheckpointsSpec;
  /** The label's thresholds: the file's `classify` over CHECKPOINT_THRESHOLDS. */
  thresholds: CheckpointThresholds;
  /** The file's JSON value as written. */
  source: unknown;
}

/** The normal form of a file's value that the schema's checkpoint form accepts. */
export function normaliseCheckpointExperiment(value: unknown): CheckpointExperiment {
  const raw = value as { name?: string; description?: string; checkpoints: CheckpointsSpec; classify?: Partial<CheckpointThresholds> };
  const { path, layers, metrics, layout } = raw.checkpoints;
  return {
    name: raw.name,
    description: raw.description,
    checkpoints: { path, ...(layers ? { layers: [...layers] } : {}), ...(metrics ? { metrics } : {}), ...(layout ? { layout } : {}) },
    thresholds: { ...CHECKPOINT_THRESHOLDS, ...raw.classify },
    source: value,
  };
}
