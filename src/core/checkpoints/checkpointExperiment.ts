/**
 * A checkpoint experiment file, normalised (docs/checkpoints.md, "The experiment file"): the checkpoint
 * form of media/flab.schema.json — a file with a top-level `checkpoints` — as the reader's spec and the
 * label's thresholds. The schema checks every value; the glob and the layer names can only be checked
 * against the files, which the reader does (its problems name the file and the key).
 */
import { CHECKPOINT_THRESHOLDS, CheckpointsSpec, CheckpointThresholds } from './checkpointReader';

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
  const { path, layers, metrics } = raw.checkpoints;
  return {
    name: raw.name,
    description: raw.description,
    checkpoints: { path, ...(layers ? { layers: [...layers] } : {}), ...(metrics ? { metrics } : {}) },
    thresholds: { ...CHECKPOINT_THRESHOLDS, ...raw.classify },
    source: value,
  };
}
