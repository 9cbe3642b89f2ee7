/**
 * Small data sets written in the experiment file (docs/networks.md, "Data", "Inline"):
 * `{ "x": [[…], …], "y": […] }` per split, every problem located at its JSON path (`data.train.x[3][1]`).
 */
import { countOf, DataError, joinPath } from './dataError';
import { formatShape } from './dataLimits';
import { DataTask, InlineSplit, show } from './dataSpec';
import { RawClasses, RawRegression, RawSplit, ReadContext } from './rawSplit';

/** The task an inline split implies when the spec does not say: regression when y holds rows, else classes. */
export function inlineTask(split: InlineSplit): DataTask {
  return Array.isArray(split.y[0]) ? 'regression' : 'classes';
}

/** Converts one inline split (checked structurally by parseDataSpec) at `key` (`data.train`). */
export function readInlineSplit(ctx: ReadContext, split: InlineSplit, key: string, task: DataTask, what: string): RawSplit {
  const xKey = joinPath(key, 'x');
  const yKey = joinPath(key, 'y');
  const rows = split.x;
  const count = rows.length;
  if (count === 0) throw new DataError('expected at least one sample, found an empty list', xKey);
  if (split.y.length !== count) throw new DataError(`${countOf(split.y.length, 'target')} for ${countOf(count, 'sample')} in "x": expected one per sample`, yKey);
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) throw new DataError(`expected a sample as a non-empty array of numbers, found ${show(first)}`, joinPath(xKey, 0));
  const features = first.length;
  const outputs = task === 'regression' ? (Array.isArray(split.y[0]) ? (split.y[0] as unknown[]).length : 1) : 1;
  ctx.budget.reserve(count * (features + outputs) * 4, `${what} samples: ${formatShape([count, features])} float32 inputs and their targets`, xKey);
  const x = new Float32Array(count * features);
  for (let i = 0; i < count; i++) {
    const row = rows[i];
    const rowKey = joinPath(xKey, i);
    if (!Array.isArray(row)) throw new DataError(`expected a sample as an array of ${countOf(features, 'number')}, found ${show(row)}`, rowKey);
    if (row.length !== features) throw new DataError(`expected ${countOf(features, 'number')} (as x[0] has), found ${row.length}`, rowKey);
    for (let j = 0; j < features; j++) {
      const v = row[j];
      x[i * features + j] = typeof v === 'number' ? v : NaN;
      if (typeof v !== 'number' || !Number.isFinite(x[i * features + j])) throw new DataError(`expected a finite number${typeof v === 'number' ? ' within the float32 range (±3.4e38)' : ''}, found ${show(v)}`, joinPath(rowKey, j));
    }
  }
  const targets = task === 'regression' ? regression(split.y, yKey, count, outputs) : classes(split.y, yKey, count);
  return { count, sampleShape: [features], features, x, byteValued: false, targets };
}

function regression(y: InlineSplit['y'], key: string, count: number, outputs: number): RawRegression {
  const values = new Float32Array(count * outputs);
  const rows = Array.isArray(y[0]);
  for (let i = 0; i < count; i++) {
    const entry = y[i];
    const entryKey = joinPath(key, i);
    const row = rows ? entry : [entry];
    // A number among rows, or a row among numbers, is said so: "found 1" read as a count of values.
    if (!Array.isArray(row)) throw new DataError(`expected a row of ${countOf(outputs, 'target value')} (as y[0] is), found ${typeof entry === 'number' ? `a number (${show(entry)})` : show(entry)}`, entryKey);
    if (!rows && Array.isArray(entry)) throw new DataError(`expected a number as the regression target (as y[0] is), found a row (${show(entry)})`, entryKey);
    if (row.length !== outputs) throw new DataError(`expected ${countOf(outputs, 'target value')} (as y[0] has), found ${row.length}`, entryKey);
    for (let t = 0; t < outputs; t++) {
      const v = row[t];
      values[i * outputs + t] = typeof v === 'number' ? v : NaN;
      if (!Number.isFinite(values[i * outputs + t])) throw new DataError(`expected a finite number${typeof v === 'number' ? ' within the float32 range (±3.4e38)' : ''} as a regression target, found ${show(v)}`, rows ? joinPath(entryKey, t) : entryKey);
    }
  }
  return { kind: 'regression', values, outputs };
}

/**
 * Class labels: y a list of labels (whole numbers or names), or — as a `.npy` of shape (N, 1) is read —
 * a list of rows of one label each (`[[0], [1]]`, when the task is classes: `classes` or `"task":
 * "classes"` given). A row of several values is refused (a one-hot row is told to give the class
 * index), as is a label among rows or a row among labels. Each label is located at its path
 * (`data.train.y[3]`, or `data.train.y[3][0]` in a row).
 */
function classes(y: InlineSplit['y'], key: string, count: number): RawClasses {
  const values = new Float64Array(count);
  const text: string[] = new Array(count);
  const rows = Array.isArray(y[0]);
  const labelKey = (i: number) => (rows ? joinPath(joinPath(key, i), 0) : joinPath(key, i));
  for (let i = 0; i < count; i++) {
    const entry = y[i];
    if (rows) {
      if (!Array.isArray(entry)) throw new DataError(`expected a row of one class label (as y[0] is), found ${typeof entry === 'number' ? `a number (${show(entry)})` : show(entry)}`, joinPath(key, i));
      if (entry.length !== 1) {
        const oneHot = entry.length > 1 && entry.every((v) => v === 0 || v === 1) && entry.filter((v) => v === 1).length === 1;
        const why = oneHot
          ? `: a one-hot row? Give the class index (the 1's position, ${entry.indexOf(1)} here: argmax), or "task": "regression" for regression targets`
          : entry.length > 1 ? ': rows of several values are regression targets ("task": "regression")' : '';
        throw new DataError(
          `expected a row of one class label (as a .npy of shape (N, 1) holds), found ${countOf(entry.length, 'value')} (${show(entry)})${why}`,
          joinPath(key, i),
        );
      }
    }
    const v = rows ? (entry as unknown[])[0] : entry;
    if (typeof v === 'number') {
      values[i] = v;
      text[i] = String(v);
    } else if (typeof v === 'string' && v.trim() !== '') {
      values[i] = NaN;
      text[i] = v.trim();
    } else {
      throw new DataError(`expected a class label (a whole number ≥ 0, or a class name), found ${show(v)}${Array.isArray(v) ? ' (a label is one number; rows of values are regression targets: "task": "regression")' : ''}`, labelKey(i));
    }
  }
  return { kind: 'classes', values, text, place: (i) => ({ key: labelKey(i), location: {} }) };
}
