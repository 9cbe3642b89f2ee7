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

/**
 * The refusal of a variant of an experiment — the file's value with `value` written at the key `key`
 * (one value of a sweep, `with P = v: …`): the value is what the refusal is about, whichever value of
 * the sweep was running when the variant was built (a sweep plans every value before its first run).
 */
export class VariantError extends ExperimentError {
  constructor(
    message: string,
    path: string,
    readonly key: string,
    readonly value: number,
  ) {
    super(message, path);
    this.name = 'VariantError';
  }
}
