/**
 * The errors the trainer throws for what it was asked to run (docs/networks.md, "Runs and output"),
 * apart from the trainer itself (train.ts) so that their readers — the CLI's error classification,
 * the sweeps — do not load TensorFlow.js to recognise them.
 */
import { ExperimentError } from '../experiment/errors';

/** The backend asked for cannot run this training here (TrainingOptions.backend). */
export class BackendError extends Error {
  override name = 'BackendError';
}

/** A spec and data that cannot be trained together; `problems` locate each by its key path. */
export class TrainingSetupError extends Error {
  constructor(readonly problems: ExperimentError[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'TrainingSetupError';
  }
}
