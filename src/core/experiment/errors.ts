/** An experiment that is well-formed JSON but cannot be run; `path` locates the offending value. */
export class ExperimentError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ExperimentError';
  }
}
