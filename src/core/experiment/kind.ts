/**
 * The three kinds of experiment file (docs/architecture.md, "Experiment kinds"): the two-layer linear
 * network of today, a deep network trained on a data set (its `model` has `hidden`; or, without it, a
 * key only a network has and none only the linear model has: `networkEvidence`), and a folder of
 * checkpoints of an outside trainer (a top-level `checkpoints`). The schema's root decides by
 * `if` / `then` / `else`; the kind is read from those same conditions, so the validator, VS Code and
 * this function can never disagree.
 */
import type { Node } from 'jsonc-parser';
import schemaJson from '../../../media/flab.schema.json';
import { Diagnostic, lookAlikeNote, lookAlikes } from './diagnostic';
import { asciiKeys, matchesSchema, SchemaNode, valueTree } from './schema';

/** The experiment schema (media/flab.schema.json): the single definition of the file format. */
export const EXPERIMENT_SCHEMA = schemaJson as unknown as SchemaNode;

export const EXPERIMENT_KINDS = ['linear', 'network', 'checkpoints'] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

/** The definition (under the schema's `$defs`) of each kind's file. */
const DEFINITIONS: Record<string, ExperimentKind> = { linearExperiment: 'linear', networkExperiment: 'network', checkpointExperiment: 'checkpoints' };

/** The schema of one kind's file (`$defs/linearExperiment`, …). */
export function kindSchema(kind: ExperimentKind): SchemaNode {
  const name = Object.keys(DEFINITIONS).find((d) => DEFINITIONS[d] === kind)!;
  return EXPERIMENT_SCHEMA.$defs![name];
}

/**
 * The kind of a parsed file: the branch the schema's root conditions choose (a file that is not an
 * object is linear). An `if` reads the keys as the ASCII they look like (`asciiKeys`: `biаs` with a
 * Cyrillic `а` is `bias`, a network's key), so that a look-alike decides the kind its key would and
 * is named by that kind's checks (docs/networks.md, "The experiment file").
 */
export function experimentKind(tree: Node): ExperimentKind {
  if (tree.type !== 'object') return 'linear';
  let s: SchemaNode | undefined = EXPERIMENT_SCHEMA;
  for (let guard = 0; s && guard < 8; guard++) {
    const ref: string | undefined = s.$ref;
    if (ref) return DEFINITIONS[ref.replace('#/$defs/', '')] ?? 'linear';
    if (!s.if) return 'linear';
    s = matchesSchema(asciiKeys(tree), s.if, EXPERIMENT_SCHEMA) ? s.then : s.else;
  }
  return 'linear';
}

/** The kind of a plain JSON value (a file's content after `JSON.parse`). */
export function kindOfValue(value: unknown): ExperimentKind {
  return experimentKind(valueTree(value));
}

/** The key that makes a file of this kind, as a JSON path: where a refusal of the kind is located. */
export const KIND_KEYS: Record<ExperimentKind, string> = { linear: 'model.width', network: 'model.hidden', checkpoints: 'checkpoints' };

/**
 * The key that makes `tree` (an object) a network experiment although its `model` has no `hidden`, as
 * a JSON path (`training`, `data.dataset`, `model.hiden`), or null: the first key, in the order of the
 * schema's condition, of a network's own keys that the root's condition found (docs/networks.md, "The
 * experiment file"). Read from the condition itself — its second `anyOf` branch, whose own `anyOf`
 * lists those keys, each `{ required: [k] }` or `{ required: [k], properties: { k: { required: [k2] } } }`,
 * a pattern of `k`'s key names (`propertyNames`), or a shape of one of `k`'s values (`additionalProperties`:
 * a list of widths under any name, `model.foo` of `"foo": [4]`) — so that it names what the kind was decided by.
 */
export function networkEvidence(tree: Node): string | null {
  return evidenceOf(tree)?.path ?? null;
}

/** `networkEvidence`'s path, and whether it was found by its value (a list of widths under another name, `model.foo`) rather than by its name. */
function evidenceOf(tree: Node): { path: string; byValue: boolean } | null {
  if (tree.type !== 'object') return null;
  // Matched on the keys read as ASCII (`asciiKeys`); named as written (`model.biаs`).
  const ascii = asciiKeys(tree);
  const written = (node: Node, folded: Node, key: string): string => {
    const at = (folded.children ?? []).map((p) => p.children?.[0]?.value).lastIndexOf(key);
    return at < 0 ? key : ((node.children?.[at]?.children?.[0]?.value as string | undefined) ?? key);
  };
  const value = (node: Node, key: string) => {
    const all = (node.children ?? []).filter((p) => p.children?.[0]?.value === key);
    return all[all.length - 1]?.children?.[1];
  };
  const nodeAt = (key: string) => {
    const at = (ascii.children ?? []).map((p) => p.children?.[0]?.value).lastIndexOf(key);
    return at < 0 ? undefined : tree.children?.[at]?.children?.[1];
  };
  // A `hidden` written with a look-alike (`hіdden`): the first condition, read as ASCII.
  if (!hasHidden(tree) && hasHidden(ascii)) {
    const model = nodeAt('model')!;
    return { path: `${written(tree, ascii, 'model')}.${written(model, value(ascii, 'model')!, 'hidden')}`, byValue: false };
  }
  const condition = EXPERIMENT_SCHEMA.else?.if;
  const evidence = condition?.anyOf?.[1];
  if (!evidence?.anyOf || !matchesSchema(ascii, evidence, EXPERIMENT_SCHEMA)) return null;
  for (const branch of evidence.anyOf) {
    if (!matchesSchema(ascii, branch, EXPERIMENT_SCHEMA)) continue;
    const key = branch.required?.[0];
    if (key === undefined) continue;
    const inner = branch.properties?.[key];
    const top = written(tree, ascii, key);
    if (!inner) return { path: top, byValue: false };
    const child = value(ascii, key);
    const original = nodeAt(key);
    if (inner.required?.[0] !== undefined) return { path: child && original ? `${top}.${written(original, child, inner.required[0])}` : `${top}.${inner.required[0]}`, byValue: false };
    const pattern = inner.not?.propertyNames?.not?.pattern;
    // `{ not: { additionalProperties: { not: S } } }`: some key's value is S (a list of widths, `"foo": [4]`).
    const shape = inner.not?.additionalProperties;
    const valued = typeof shape === 'object' ? shape.not : undefined;
    const at = !child
      ? -1
      : pattern !== undefined
        ? (child.children ?? []).findIndex((p) => new RegExp(pattern, 'u').test(p.children?.[0]?.value as string))
        : valued !== undefined
          ? (child.children ?? []).findIndex((p) => p.children?.[1] !== undefined && matchesSchema(p.children[1], valued, EXPERIMENT_SCHEMA))
          : -1;
    const named = at < 0 ? undefined : (original?.children?.[at]?.children?.[0]?.value as string | undefined);
    if (named !== undefined) return { path: `${top}.${named}`, byValue: pattern === undefined };
    return { path: top, byValue: false };
  }
  return null;
}

/**
 * The kind in words, for messages: "a network experiment (its `model` has `hidden`)". With the file's
 * `tree`, a network whose `model` has no `hidden` is said by the key that made it one: "a network
 * experiment whose `model` lacks `hidden` (it has `training`, which only a network has, and no key of
 * the two-layer linear model)".
 */
export function describeKind(kind: ExperimentKind, tree?: Node): string {
  switch (kind) {
    case 'network': {
      const evidence = tree ? evidenceOf(tree) : null;
      const by = evidence?.path ?? null;
      if (by === null || hasHidden(tree!)) return 'a network experiment (its `model` has `hidden`)';
      // A key with look-alikes is said as written, as read, and each look-alike named (`lookAlikeNote`).
      const read = by.split('.').map((k) => lookAlikes(k).ascii).join('.');
      const notes = by.split('.').map((k) => lookAlikeNote(k).replace(/^ \((.*)\)$/su, '$1')).filter((n) => n !== '');
      const said = read === by ? `\`${by}\`` : `\`${by}\`, read as \`${read}\``;
      const note = notes.length > 0 ? `; ${notes.join('; ')}` : '';
      if (read === 'model.hidden') return `a network experiment whose \`model\` lacks \`hidden\` (it has ${said}${note})`;
      // A list of widths under another name (`model.foo`): what only a network has is the list.
      const what = evidence!.byValue ? `${said}, a list of widths` : said;
      return `a network experiment whose \`model\` lacks \`hidden\` (it has ${what}, which only a network has, and no key of the two-layer linear model${note})`;
    }
    case 'checkpoints':
      return 'a checkpoint experiment (it has `checkpoints`)';
    default:
      return 'an experiment on the two-layer linear model';
  }
}

/** Whether the object `tree` has a `model` with `hidden` (the first condition of a network experiment). */
export function hasHidden(tree: Node): boolean {
  const model = tree.children?.find((p) => p.children?.[0]?.value === 'model')?.children?.[1];
  return model?.type === 'object' && (model.children ?? []).some((p) => p.children?.[0]?.value === 'hidden');
}

/** Where a refusal of `tree`'s kind is located, as a JSON path: KIND_KEYS, or for a network without `hidden` the key that made it one (`networkEvidence`). */
export function kindKey(tree: Node, kind: ExperimentKind): string {
  if (kind === 'network' && tree.type === 'object' && !hasHidden(tree)) return networkEvidence(tree) ?? KIND_KEYS.network;
  return KIND_KEYS[kind];
}

/**
 * A file whose keys say two kinds at once, where every check of the one kind the schema's conditions
 * choose would be a guess (docs/architecture.md, "Experiment kinds"): one diagnostic instead of that
 * kind's errors, or null.
 * - `model` written twice, one making a network experiment and one the two-layer linear model, each
 *   read as the file would be with it alone (`experimentKind`: `hidden`, or a network's own key such as
 *   `Hidden`, or neither): the last one decides, as JSON.parse keeps it, and the other's keys were all
 *   refused. Two `model`s of one kind are left to that kind's checks (a key written twice).
 * - A top-level `checkpoints` beside a `model` with `hidden`: the first makes a checkpoint experiment
 *   (another trainer's checkpoints, read), the second a network to train — most likely the network's
 *   own `training.checkpoints` (the checkpoints it writes) one level too high.
 */
export function kindConfusion(tree: Node): Diagnostic | null {
  if (tree.type !== 'object') return null;
  const children = tree.children ?? [];
  const props = children.map((p) => ({ property: p, key: p.children?.[0], value: p.children?.[1] }));
  const models = props.filter((p) => p.key?.value === 'model');
  const isNetwork = (value: Node | undefined) => value?.type === 'object' && (value.children ?? []).some((p) => p.children?.[0]?.value === 'hidden');
  const at = (key: Node) => ({ offset: key.offset, length: key.length });
  if (models.length > 1 && !props.some((p) => p.key?.value === 'checkpoints')) {
    // Each `model` with the file's other keys: the kind it makes, and why.
    const alone = models.map((m) => {
      const file = { type: 'object', offset: tree.offset, length: tree.length, children: children.filter((p) => p.children?.[0]?.value !== 'model' || p === m.property) } as Node;
      return { kind: experimentKind(file), file, value: m.value };
    });
    const network = alone.find((a) => a.kind === 'network');
    const linear = alone.find((a) => a.kind === 'linear');
    if (network && linear) {
      const evidence = hasHidden(network.file) ? 'model.hidden' : networkEvidence(network.file);
      const withKey = evidence?.startsWith('model.') ? `with \`${evidence.slice('model.'.length)}\`` : 'with neither `hidden` nor `width`';
      const withWidth = linear.value?.type === 'object' && (linear.value.children ?? []).some((p) => p.children?.[0]?.value === 'width') ? 'with `width`' : 'with no key of a network';
      const last = models[models.length - 1].key!;
      return { message: `\`model\` is written twice, once ${withKey} (a network experiment) and once ${withWidth} (the two-layer linear model): which kind the file is cannot be told — keep one`, path: 'model', ...at(last), severity: 'error' };
    }
  }
  const checkpoints = props.find((p) => p.key?.value === 'checkpoints');
  if (checkpoints && models.some((m) => isNetwork(m.value))) {
    return {
      message: 'a top-level `checkpoints` makes a checkpoint experiment, which reads the checkpoints another trainer wrote (it has no `model`, `data` or `training`), and this file\'s `model` has `hidden`, a network to train: to write its checkpoints, put the object under `training`, as `training.checkpoints` ({ "every": steps, "path": folder })',
      path: 'checkpoints',
      ...at(checkpoints.key!),
      severity: 'error',
    };
  }
  return null;
}
