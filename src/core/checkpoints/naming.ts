/**
 * What file names say (docs/checkpoints.md, "Steps and order"): the natural order of names
 * (`step2` before `step10`) and the training step of a checkpoint taken from its name.
 */
import { basename, dirname } from 'node:path';

const DIGITS = /^\d/;

/**
 * Natural order: runs of digits compare as numbers (`fc2` < `fc10`, leading zeros ignored, then the
 * shorter run first), everything else by UTF-16 code unit, as `<` does.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (DIGITS.test(x) && DIGITS.test(y)) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * The step a checkpoint's path names: the trailing integer of its file name without its extension
 * (`ckpt_000100.safetensors` → 100), or else of its folder's name (`checkpoint-500/model.safetensors`,
 * as the Hugging Face Trainer saves) → 500; null when neither ends in digits (or the number is beyond
 * 2⁵³).
 */
export function stepFromPath(path: string): number | null {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return trailingInteger(dot > 0 ? name.slice(0, dot) : name) ?? trailingInteger(basename(dirname(path)));
}

function trailingInteger(text: string): number | null {
  const match = /(\d+)$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The step in a checkpoint's metadata (`__metadata__.step`, text as the format requires): a
 * non-negative integer, undefined when absent; throws a message when present but not an integer.
 */
export function stepFromMetadata(metadata: Readonly<Record<string, string>>): number | undefined {
  if (!('step' in metadata)) return undefined;
  const text = metadata.step.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new Error(`its metadata "step" is ${JSON.stringify(metadata.step)}, not a non-negative integer`);
  return value;
}

/** The folder a glob starts from: its path up to the last separator before the first wildcard. */
export function globBase(pattern: string): string {
  const wildcard = pattern.search(/[*?[\]{}()!]/);
  const fixed = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  const cut = fixed.lastIndexOf('/');
  return cut < 0 ? '.' : cut === 0 ? '/' : fixed.slice(0, cut);
}
