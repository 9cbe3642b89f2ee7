/**
 * The dynamics panel's controls, read from the document's syntax tree (no vscode import; unit-tested).
 * A control's value is what the document says, so that an invalid document still shows every value
 * that can be read; a control whose key has no place in the document's current form (σ_u when the
 * initialisation is explicit, y when the data is a set of samples) has the value null and is disabled.
 * So has the width when the initialisation is explicit: `init.u`'s entries and `init.W`'s rows fix it.
 * A key written as a width power `{ "widthExponent": e, "base": b }` is controlled through its base:
 * the control shows and writes b (1 when `base` is left out, the schema's default), as it does the
 * plain number that is the base under a `parameterisation`.
 */
import { findNodeAtLocation, getNodeValue, Node } from 'jsonc-parser';
import { widthPowerAt } from '../core/experiment/widthPowers';
import { parsePath } from '../core/experiment/jsonPath';
import { CONTROL_KEYS, ControlKey, ControlState, type ControlWidthPower, sliderRange } from '../protocol/dynamics';

/** Values an optional key takes when it is left out (the schema's defaults). */
const DEFAULTS: Partial<Record<ControlKey, number>> = { 'model.outputScale': 1 };

/**
 * Where a control's number stands in a document: written (`node`), missing but insertable into
 * `parent` as `name`, or impossible in this form. `base`: the number is the base of a width power
 * `{ widthExponent, base }` written at the key — `node` is its `base`, or `parent` is the width power
 * when `base` is left out (its value is then 1).
 */
export type KeyStatus = { kind: 'present'; node: Node; base?: true } | { kind: 'insertable'; parent: Node; name: string; base?: true } | { kind: 'absent' };

/**
 * Finds a control's key (`init.scaleU`, …) in the tree, or the object it would be inserted into; for a
 * key written as `{ widthExponent, base }`, its base (KeyStatus).
 */
export function keyStatus(tree: Node | undefined, key: string): KeyStatus {
  if (!tree || tree.type !== 'object') return { kind: 'absent' };
  const path = parsePath(key);
  // An explicit init (init.u, init.W) fixes the width — d entries of u, d rows of W — so the width is not
  // the panel's to set, as σ_u and σ_W are not: typing 5 for a file of 3 neurons wrote "width": 5 and
  // broke the file with two errors (breaker round of 2026-12-03, finding 7).
  if (key === 'model.width' && (findNodeAtLocation(tree, ['init', 'u']) !== undefined || findNodeAtLocation(tree, ['init', 'W']) !== undefined)) return { kind: 'absent' };
  const node = findNodeAtLocation(tree, path);
  if (node && isWidthPowerNode(node)) {
    const base = findNodeAtLocation(node, ['base']);
    return base ? { kind: 'present', node: base, base: true } : { kind: 'insertable', parent: node, name: 'base', base: true };
  }
  if (node) return { kind: 'present', node };
  const parent = findNodeAtLocation(tree, path.slice(0, -1));
  if (!parent || parent.type !== 'object') return { kind: 'absent' };
  // The two forms of `init` and of `data` exclude each other's keys.
  const has = (name: string) => findNodeAtLocation(parent, [name]) !== undefined;
  if ((key === 'init.scaleU' || key === 'init.scaleW') && (has('u') || has('W'))) return { kind: 'absent' };
  if (key === 'data.y' && has('samples')) return { kind: 'absent' };
  return { kind: 'insertable', parent, name: String(path[path.length - 1]) };
}

/** An object with a number `widthExponent`: a width power `{ widthExponent, base }` (isWidthPower, on the syntax tree). */
function isWidthPowerNode(node: Node): boolean {
  return node.type === 'object' && findNodeAtLocation(node, ['widthExponent'])?.type === 'number';
}

/** The number a control shows: the document's value, the default of a missing optional key, or null. */
export function readControlValue(tree: Node | undefined, key: ControlKey): number | null {
  const status = keyStatus(tree, key);
  if (status.kind === 'present') {
    const v: unknown = status.node.value;
    return status.node.type === 'number' && typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  if (status.kind === 'insertable') return status.base ? 1 : (DEFAULTS[key] ?? null);
  return null;
}

/**
 * Every control with its current value, its slider's range (`sliderRange`: widened to hold the value)
 * and, given the document's `text`, the value as written there; null when the document is not a JSON
 * object at all.
 */
export function readControls(tree: Node | undefined, text?: string): ControlState[] | null {
  if (!tree || tree.type !== 'object') return null;
  const raw: unknown = getNodeValue(tree);
  return CONTROL_KEYS.map((key) => {
    const value = readControlValue(tree, key);
    const status = keyStatus(tree, key);
    const written = text !== undefined && value !== null && status.kind === 'present' ? text.slice(status.node.offset, status.node.offset + status.node.length) : undefined;
    const power = value === null ? null : controlWidthPower(tree, raw, key, value);
    return { key, value, ...sliderRange(key, value), ...(written !== undefined && Number(written) === value ? { text: written } : {}), ...(power ? { widthPower: power } : {}) };
  });
}

/**
 * The width power of a control whose number `base` is the base b of b·d^e in the document (`raw`, its
 * JSON value: a plain number under a `parameterisation`, or outputScale left out under one), with the
 * value it gives at the document's width (null when the width is not a valid one); null when the number
 * is the value itself (no width power, or exponent 0). Read from the document as it is, valid or not.
 */
export function controlWidthPower(tree: Node, raw: unknown, key: ControlKey, base: number): ControlWidthPower | null {
  const power = widthPowerAt(raw, key);
  if (!power || power.exponent === 0 || !Number.isFinite(power.exponent)) return null;
  const d = readControlValue(tree, 'model.width');
  const width = d !== null && Number.isInteger(d) && d >= 1 ? d : null;
  const value = width === null ? null : base * Math.pow(width, power.exponent);
  return { exponent: power.exponent, width, value: value !== null && Number.isFinite(value) ? value : null };
}

/** Whether `compare.simulate` is on in the document (false when absent or not a boolean). */
export function readCompareSimulate(tree: Node | undefined): boolean {
  if (!tree || tree.type !== 'object') return false;
  const node = findNodeAtLocation(tree, ['compare', 'simulate']);
  return node?.type === 'boolean' && node.value === true;
}
