/**
 * Parsing an experiment file of any kind (docs/architecture.md, "Experiment kinds"): the text once, the
 * kind from the schema's own conditions, then the kind's checks — the two-layer linear model's
 * (`experimentFromTree`), a network experiment's (`normaliseNetworkExperiment`) or a checkpoint
 * experiment's (`normaliseCheckpointExperiment`) — with every problem located in the text. It lives in
 * runs/ because it needs the network and checkpoint layers, which the file format's own folder
 * (experiment/) sits below.
 */
import { getNodeValue, Node } from 'jsonc-parser';
import { Diagnostic, visibleControls } from '../experiment/diagnostic';
import { Experiment } from '../experiment/experiment';
import { getNumber } from '../experiment/hyperparameters';
import { EXPERIMENT_SCHEMA, experimentKind, ExperimentKind, kindConfusion, kindSchema } from '../experiment/kind';
import { BESIDE_SCHEMA_MAX_CHARS, besideSchemaErrors, experimentFromTree, locatedProblem, parseJsonText } from '../experiment/parse';
import { checkAgainstSchema } from '../experiment/schema';
import { CheckpointExperiment, normaliseCheckpointExperiment } from '../checkpoints/checkpointExperiment';
import { dataFileNames } from '../network/data/dataSpec';
import { explicitWeightsAlone, NetworkExperiment, networkWidthPower, normaliseNetworkExperiment, type SweepWidthPower } from '../network/networkExperiment';

/** A validated experiment of one of the three kinds, in its normal form. */
export type AnyExperiment =
  | { kind: 'linear'; experiment: Experiment }
  | { kind: 'network'; experiment: NetworkExperiment }
  | { kind: 'checkpoints'; experiment: CheckpointExperiment };

export interface AnyParseResult {
  /** The experiment, or null when there is any error. */
  parsed: AnyExperiment | null;
  /** The kind of file, once it is JSON (set even when the file has errors). */
  kind?: ExperimentKind;
  diagnostics: Diagnostic[];
  /** The syntax tree (undefined when the text is not JSON at all); used to locate paths. */
  tree: Node | undefined;
}

/**
 * Parses and validates the text of a `*.flab.json` file of any kind. Never throws. As
 * `parseExperiment`: a leading byte-order mark is white space, every offset is an offset into `text`.
 */
export function parseAnyExperiment(text: string): AnyParseResult {
  const { tree, diagnostics } = parseJsonText(text);
  if (diagnostics.length > 0 || !tree) return { parsed: null, diagnostics, tree };
  const kind = experimentKind(tree);
  const confusion = kindConfusion(tree);
  if (confusion) return { parsed: null, kind, diagnostics: [confusion], tree };
  if (kind === 'linear') {
    const r = experimentFromTree(tree, text);
    return { parsed: r.experiment ? { kind, experiment: r.experiment } : null, kind, diagnostics: r.diagnostics, tree };
  }
  checkAgainstSchema(tree, EXPERIMENT_SCHEMA, EXPERIMENT_SCHEMA, '', diagnostics, text);
  if (diagnostics.length > 0) {
    // A network file's own checks on the keys the schema accepted: every error in one pass.
    const beside = kind === 'network' ? besideSchemaErrors(tree, text, diagnostics, kindSchema('network'), (value) => normaliseNetworkExperiment(value).problems) : [];
    // Explicit weights' own checks, which need no other key: reached also where the file without its
    // refused keys is still refused (a missing `data`), so that the weights are not learnt wrong only
    // once the rest is fixed.
    const weights = kind === 'network' ? weightsBeside(tree, text, [...diagnostics, ...beside]) : [];
    return { parsed: null, kind, diagnostics: [...diagnostics, ...beside, ...weights], tree };
  }
  const value: unknown = getNodeValue(tree);
  if (kind === 'checkpoints') return { parsed: { kind, experiment: normaliseCheckpointExperiment(value) }, kind, diagnostics, tree };
  const { experiment, problems } = normaliseNetworkExperiment(value);
  for (const p of problems) diagnostics.push(locatedProblem(tree, text, p));
  return { parsed: experiment ? { kind, experiment } : null, kind, diagnostics, tree };
}

/**
 * The problems of a network file's explicit initial weights on their own (`explicitWeightsAlone`) that
 * `found` (the schema's and the other checks') does not say already: none at or inside a key a
 * problem found is at (an empty row refused by the schema is not also "must have 2 entries"), and
 * none at all when one is at `init` or a key of it (the weights' count; a key of the random form
 * beside them, which leaves whether weights are meant open). Located;
 * none for a file larger than BESIDE_SCHEMA_MAX_CHARS, whose value is not built a second time.
 */
function weightsBeside(tree: Node, text: string, found: readonly Diagnostic[]): Diagnostic[] {
  if (text.length > BESIDE_SCHEMA_MAX_CHARS) return [];
  if (found.some((d) => d.path === 'init' || /^init\.[^.[]+$/.test(d.path))) return [];
  const within = (path: string, key: string) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
  return explicitWeightsAlone(getNodeValue(tree))
    .filter((p) => !found.some((d) => within(p.path, d.path)))
    .map((p) => locatedProblem(tree, text, p));
}

/** What a training panel shows of a network's or checkpoints' file before any run: its header, its sweep, the data files a run reads. */
export interface ExperimentHeader {
  runKind: 'network' | 'checkpoints';
  /** The file's `name` and `description` as the panel shows them (`visibleControls`), or null. */
  title: string | null;
  description: string | null;
  /**
   * `widthPower`: the key's power of the width when the file writes it so (`networkWidthPower`), else
   * null. `current`: the file's own value of the swept key, as the sweep's values are (the number written
   * at `path`, a width power's base), or null when the file does not write it — the training panel
   * chooses that value's run for its verdict when it is one of the values.
   */
  sweep: { key: string; path: string; values: number[]; widthPower: SweepWidthPower | null; current: number | null } | null;
  /** As written, relative to the experiment file (`dataFileNames`); [] for checkpoints. */
  dataFiles: string[];
  /** Whether a network's file writes checkpoints (`training.checkpoints`): the panel checks their folder and plan before it trains. */
  writesCheckpoints: boolean;
}

/** The header of a file that is not the linear model's (the worker's outcome and the panel's own reading of a short text alike). */
export function experimentHeader(any: Exclude<AnyExperiment, { kind: 'linear' }>): ExperimentHeader {
  const e = any.experiment;
  const shown = (text: string | undefined) => (text === undefined ? null : visibleControls(text));
  const network = any.kind === 'network' ? any.experiment : null;
  const sweep = network?.sweep ? { key: network.sweep.key, path: network.sweep.path, values: network.sweep.values.slice(), widthPower: networkWidthPower(network), current: getNumber(network.source, network.sweep.path) ?? null } : null;
  return { runKind: any.kind, title: shown(e.name), description: shown(e.description), sweep, dataFiles: network ? dataFileNames(network.data) : [], writesCheckpoints: network?.checkpoints !== undefined };
}
