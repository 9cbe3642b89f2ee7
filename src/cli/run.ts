/**
 * `flab` as a function: arguments in, what to print and the exit code out — 0 success, 1 bad
 * experiment file, 2 bad usage. The command is looked up in the table (commands/index.ts), its
 * arguments parsed against its options (args.ts), and every error becomes a message: bad usage
 * names the flag, a bad file is located `FILE:LINE:COL`. Never throws and never prints a stack trace.
 *
 * Limits are checked before the work they bound (docs/limits.md), so an error of flab's own should
 * not happen; if one does it is a bug, reported as an internal error with exit 1 and the file's
 * name — never as bad usage. The problems of a network experiment's data (a DataError, at a `data`
 * key and a file position) and of its setup (a TrainingSetupError, each problem at its key) are
 * the file's, located like its other errors.
 */
import { didYouMean, excerpt, visibleControls } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { locatePath } from '../core/experiment/parse';
import { DataError, reportedMessage } from '../core/network/data/dataError';
import { TrainingSetupError } from '../core/network/trainErrors';
import { parseArgs, usageLine } from './args';
import { BadFileError, CliHost, CliOutput, Command, CommandContext, EXIT_BAD_FILE, EXIT_OK, EXIT_USAGE, MissingBundleError, UsageError } from './command';
import { COMMANDS } from './commands';
import { FileReader, LoadedFile, loadAnyExperimentFile, loadExperimentFile, readExperimentFile, reportDiagnostics, reportExperimentError } from './experimentFile';
import { formatBytes, MAX_FILE_BYTES } from './limits';
import { progressCounter } from './progress';

const EXIT_CODES = 'exit codes: 0 success, 1 bad experiment file, 2 bad usage, 130 (143, 129) a training stopped by Ctrl+C (SIGTERM, SIGHUP)';

/** The file system, read within the limits of src/cli/limits.ts. */
export const FILE_SYSTEM: FileReader = { readText: (file) => readExperimentFile(file) };

/**
 * Runs one invocation of `flab` (the arguments after `flab`). Never rejects. `host` is where a long
 * command draws its counter (the process's standard error; nothing when it is not a terminal), with
 * `now` its clock in milliseconds, and how a training command hears Ctrl+C (`interrupts`).
 */
export async function runCli(argv: readonly string[], reader: FileReader = FILE_SYSTEM, host?: CliHost): Promise<CliOutput> {
  // Messages echo what the file and the command line say (paths, keys, names): their control and
  // bidirectional characters are written as escapes (`\u001b`), never sent to the terminal.
  const out = await runCommand(argv, reader, host);
  return { ...out, stderr: visibleControls(out.stderr) };
}

/**
 * runCli for another build of flab that has read some files already (src/cli/network/deferred.ts):
 * their texts as it read them, any other file from this build's file system — whose errors are this
 * build's (a class of one bundle is not the other's).
 */
export function rerunCli(argv: readonly string[], read: ReadonlyMap<string, string>, host?: CliHost): Promise<CliOutput> {
  return runCli(argv, { readText: (file) => read.get(file) ?? FILE_SYSTEM.readText(file) }, host);
}

async function runCommand(argv: readonly string[], reader: FileReader, host?: CliHost): Promise<CliOutput> {
  let loaded: LoadedFile | undefined;
  try {
    const [name, ...rest] = argv;
    if (name === undefined) return usageError(undefined, 'missing command');
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      const command = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && !command) return usageError(undefined, unknownCommand(topic));
      return { code: EXIT_OK, stdout: (command ? commandHelp(command) : overallHelp()) + '\n', stderr: '' };
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) return usageError(undefined, unknownCommand(name));
    const beforeOperands = rest.indexOf('--');
    const options = beforeOperands < 0 ? rest : rest.slice(0, beforeOperands);
    if (options.includes('--help') || options.includes('-h')) return { code: EXIT_OK, stdout: commandHelp(command) + '\n', stderr: '' };
    const counter = progressCounter(command.name, host?.sink, host?.now);
    // The texts read, for a rerun by another build (standard input is read once).
    const read = new Map<string, string>();
    const recording: FileReader = {
      readText(file) {
        // Standard input is read once: a second reading in one command (a refusal's advice reads the
        // file again, `flab phase --size`) takes the text read, where it found the input at its end.
        const known = file === '-' ? read.get(file) : undefined;
        if (known !== undefined) return known;
        const text = reader.readText(file);
        read.set(file, text);
        return text;
      },
    };
    const context: CommandContext = {
      progress: counter,
      load(file) {
        const { experiment, loaded: l } = loadExperimentFile(file, recording, command.name);
        loaded = l;
        return experiment;
      },
      loadAny(file) {
        const { experiment, loaded: l } = loadAnyExperimentFile(file, recording);
        loaded = l;
        return experiment;
      },
      rerun: (cli) => cli(argv, read, host),
      interrupts: host?.interrupts,
    };
    try {
      return await command.run(parseArgs(command, rest, COMMANDS), context);
    } catch (e) {
      if (e instanceof UsageError) return usageError(command, e.message);
      if (e instanceof BadFileError) return e.output;
      if (e instanceof MissingBundleError) return { code: EXIT_BAD_FILE, stdout: '', stderr: `flab ${command.name}: error: ${e.message}\n` };
      if (loaded) {
        if (e instanceof ExperimentError) return reportExperimentError(loaded, e);
        if (e instanceof DataError) return reportExperimentError(loaded, new ExperimentError(reportedMessage(e), e.path));
        if (e instanceof TrainingSetupError) {
          const where = loaded;
          return reportDiagnostics(where, e.problems.map((p) => ({ message: p.message, path: p.path, ...locatePath(where.tree, p.path), severity: 'error' as const })));
        }
      }
      throw e;
    } finally {
      counter.end();
    }
  } catch (e) {
    return internalError(e, loaded);
  }
}

function unknownCommand(name: string): string {
  return `unknown command \`${excerpt(name)}\`${didYouMean(name, COMMANDS.map((c) => c.name))}`;
}

function usageError(command: Command | undefined, message: string): CliOutput {
  const usage = command ? `usage: ${usageLine(command)}\n\`flab ${command.name} --help\` lists its options` : overallHelp();
  return { code: EXIT_USAGE, stdout: '', stderr: `flab: ${message}\n${usage}\n` };
}

/** A bug of flab's (not the file's, not the user's): exit 1, named as such, without a stack trace. */
function internalError(e: unknown, loaded: LoadedFile | undefined): CliOutput {
  const message = excerpt(e instanceof Error ? `${e.name}: ${e.message}` : String(e), 400);
  const where = loaded ? `${loaded.file}: error` : 'flab: error';
  return { code: EXIT_BAD_FILE, stdout: '', stderr: `${where}: internal error while running the experiment: ${message} (a bug in flab: please report it with this file and command)\n` };
}

/** `flab --help`: every command's usage and summary, from the table. */
export function overallHelp(): string {
  const lines = ['usage: flab <command> FILE [options]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${usageLine(c).slice('flab '.length)}`, `      ${c.summary}`);
  lines.push(
    '',
    `FILE is an experiment file (*.flab.json, at most ${formatBytes(MAX_FILE_BYTES)}), or - for standard input.`,
    '`flab <command> --help` lists a command\'s options and limits (docs/limits.md).',
    EXIT_CODES,
  );
  return lines.join('\n');
}

/** `flab COMMAND --help`: its usage, summary, options and notes, from its table entry. */
export function commandHelp(c: Command): string {
  const flags = c.options.map((o) => (o.value === undefined ? o.flag : `${o.flag} ${o.value}`));
  const width = Math.min(28, Math.max(...flags.map((f) => f.length)) + 2);
  const lines = [`usage: ${usageLine(c)}`, '', c.summary, '', 'options:'];
  c.options.forEach((o, i) => lines.push(flags[i].length < width ? `  ${flags[i].padEnd(width)}${o.help}` : `  ${flags[i]}\n  ${''.padEnd(width)}${o.help}`));
  if (c.help) lines.push('', c.help);
  lines.push('', EXIT_CODES);
  return lines.join('\n');
}
