/**
 * What file names say (docs/checkpoints.md, "Steps and order"): the natural order of names
 * (`step2` before `step10`) and the training step of a checkpoint taken from its name.
 */
import { basename, dirname } from 'node:path';
import { excerpt } from '../experiment/diagnostic';

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
 * as the Hugging Face Trainer saves) → 500; null when neither ends in digits. Throws a message when
 * the integer that would be the step is beyond 2⁵³ − 1 (Number.MAX_SAFE_INTEGER): a float64 cannot
 * hold it exactly, so two such steps could not be told apart.
 */
export function stepFromPath(path: string): number | null {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const own = trailingDigits(dot > 0 ? name.slice(0, dot) : name);
  if (own !== null) return safeStep(own, 'its name ends in');
  const folder = trailingDigits(basename(dirname(path)));
  return folder === null ? null : safeStep(folder, 'its folder\'s name ends in');
}

function trailingDigits(text: string): string | null {
  return /(\d+)$/.exec(text)?.[1] ?? null;
}

/** The step `digits` say, or a message saying it is beyond 2⁵³ − 1 (`where` says whose digits). */
function safeStep(digits: string, where: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new Error(`${where} ${beyondSafe(digits)}: give the checkpoint a name whose trailing number is its training step, or a metadata "step"`);
  return value;
}

/** `12345678901234567890, beyond 9,007,199,254,740,991 (2⁵³ − 1), …`: why such a step is refused. */
function beyondSafe(digits: string): string {
  return `${excerpt(digits)}, beyond ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2⁵³ − 1), the largest step a float64 holds exactly (steps beyond it could not be told apart)`;
}

/**
 * The step in a checkpoint's metadata (`__metadata__.step`, text as the format requires): a
 * non-negative integer, undefined when absent; throws a message when present but not an integer, or
 * an integer beyond 2⁵³ − 1.
 */
export function stepFromMetadata(metadata: Readonly<Record<string, string>>): number | undefined {
  if (!('step' in metadata)) return undefined;
  const text = metadata.step.trim();
  if (!/^\d+$/.test(text)) throw new Error(`its metadata "step" is ${JSON.stringify(excerpt(metadata.step))}, not a non-negative integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`its metadata "step" is ${beyondSafe(text)}: write the training step itself`);
  return value;
}

/** The folder a glob starts from: its path up to the last separator before the first wildcard. */
export function globBase(pattern: string): string {
  const wildcard = pattern.search(/[*?[\]{}()!]/);
  const fixed = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  const cut = fixed.lastIndexOf('/');
  return cut < 0 ? '.' : cut === 0 ? '/' : fixed.slice(0, cut);
}
