/**
 * src/cli/network/index.ts as dist/cli.js has it (scripts/build.mjs puts this module in its place
 * there): each command that trains or reads checkpoints runs the invocation again, whole, with
 * dist/cliNetwork.js — the command line with the network code — which sits beside dist/cli.js. The
 * linear model's commands never come here, and never parse TensorFlow.js or the data and checkpoint
 * readers (docs/architecture.md, "Commands").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MissingBundleError } from '../command';
import type { WholeCli } from '../command';
import type * as network from './index';

/**
 * dist/cliNetwork.js's command line, loaded at its first use. Without it (dist/cli.js copied alone),
 * an error saying which file is missing and where it was looked for — an installation's fault, not a
 * bug of flab's nor the experiment file's.
 */
function wholeCli(): WholeCli {
  const file = join(__dirname, 'cliNetwork.js');
  if (!existsSync(file)) throw new MissingBundleError(file);
  // A run-time require of the second bundle: a path esbuild does not follow.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { rerunCli: WholeCli }).rerunCli;
}

export const runTrain: typeof network.runTrain = (_args, context) => context.rerun(wholeCli());
export const runCheckpoints: typeof network.runCheckpoints = (_args, context) => context.rerun(wholeCli());
export const runNetworkSweep: typeof network.runNetworkSweep = (_e, _loaded, _format, context) => context.rerun(wholeCli());
