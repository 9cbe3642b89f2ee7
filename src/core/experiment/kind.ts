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
import { Diagnostic } from './diagnostic';
import { matchesSchema, SchemaNode, valueTree } from './schema';

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

/** The kind of a parsed file: the branch the schema's root conditions choose (a file that is not an object is linear). */
export function experimentKind(tree: Node): ExperimentKind {
  if (tree.type !== 'object') return 'linear';
  let s: SchemaNode | undefined = EXPERIMENT_SCHEMA;
  for (let guard = 0; s && guard < 8; guard++) {
    const ref: string | undefined = s.$ref;
    if (ref) return DEFINITIONS[ref.replace('#/$defs/', '')] ?? 'linear';
    if (!s.if) return 'linear';
    s = matchesSchema(tree, s.if, EXPERIMENT_SCHEMA) ? s.then : s.else;
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
 * or a pattern of `k`'s key names (`propertyNames`) — so that it names what the kind was decided by.
 */
export function networkEvidence(tree: Node): string | null {
  if (tree.type !== 'object') return null;
  const condition = EXPERIMENT_SCHEMA.else?.if;
  const evidence = condition?.anyOf?.[1];
  if (!evidence?.anyOf || !matchesSchema(tree, evidence, EXPERIMENT_SCHEMA)) return null;
  const value = (node: Node, key: string) => node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
  for (const branch of evidence.anyOf) {
    if (!matchesSchema(tree, branch, EXPERIMENT_SCHEMA)) continue;
    const key = branch.required?.[0];
    if (key === undefined) continue;
    const inner = branch.properties?.[key];
    if (!inner) return key;
    const child = value(tree, key);
    if (inner.required?.[0] !== undefined) return `${key}.${inner.required[0]}`;
    const pattern = inner.not?.propertyNames?.not?.pattern;
    const named = pattern === undefined || !child ? undefined : (child.children ?? []).map((p) => p.children?.[0]?.value as string).find((k) => new RegExp(pattern, 'u').test(k));
    if (named !== undefined) return `${key}.${named}`;
    return key;
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
      const by = tree ? networkEvidence(tree) : null;
      if (by !== null && !hasHidden(tree!)) return `a network experiment whose \`model\` lacks \`hidden\` (it has \`${by}\`, which only a network has, and no key of the two-layer linear model)`;
      return 'a network experiment (its `model` has `hidden`)';
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
 * - `model` written twice, once with `hidden` (a network) and once without (the linear model): the
 *   last one decides, as JSON.parse keeps it, and the other's keys were all refused.
 * - A top-level `checkpoints` beside a `model` with `hidden`: the first makes a checkpoint experiment
 *   (another trainer's checkpoints, read), the second a network to train — most likely the network's
 *   own `training.checkpoints` (the checkpoints it writes) one level too high.
 */
export function kindConfusion(tree: Node): Diagnostic | null {
  if (tree.type !== 'object') return null;
  const props = (tree.children ?? []).map((p) => ({ key: p.children?.[0], value: p.children?.[1] }));
  const models = props.filter((p) => p.key?.value === 'model');
  const isNetwork = (value: Node | undefined) => value?.type === 'object' && (value.children ?? []).some((p) => p.children?.[0]?.value === 'hidden');
  const at = (key: Node) => ({ offset: key.offset, length: key.length });
  if (models.length > 1 && models.some((m) => isNetwork(m.value)) && models.some((m) => !isNetwork(m.value))) {
    const last = models[models.length - 1].key!;
    return { message: '`model` is written twice, once with `hidden` (a network experiment) and once without (the two-layer linear model): which kind the file is cannot be told — keep one', path: 'model', ...at(last), severity: 'error' };
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
