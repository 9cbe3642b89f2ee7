/**
 * `flab`: the exact solver and the gradient-descent simulator, headless.
 * A thin shell over src/core: parse arguments, read the file, print, set the exit code
 * (0 success, 1 bad experiment file, 2 bad usage). Errors are printed compiler-style,
 * `FILE:LINE:COL: error: MESSAGE`, never as a stack trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ANALYSIS_USAGE, isAnalysisCommand, runAnalysis } from './cliAnalysis';
import { CliOutput, EXIT_BAD_FILE, EXIT_OK, EXIT_USAGE, loadExperiment } from './cliInput';
import { toCsv, toJson } from './core/trajectory/writers';
import { simulate } from './core/runs/simulate';
import { solve } from './core/runs/solve';
import { Trajectory } from './core/trajectory/trajectory';

const USAGE = `usage: flab <command> FILE [--json | --csv | --summary]

commands:
  solve FILE      the exact gradient-flow trajectory (linear activation)
  simulate FILE   full-batch gradient descent; time counts steps (linear network: the exact
                  O(1)-per-step recursion of docs/finite-rates.md)
${ANALYSIS_USAGE}

simulate options:
  --reference     run the plain O(d·D)-per-step loop over (u, W) instead of the recursion

output (default --json):
  --json          one JSON object: arrays t, output, loss, zeta, normU, normW, ntk, distance
                  (and objective, with weight decay) and a summary
  --csv           the same columns as CSV with a header row
  --summary       only the summary object, as JSON

exit codes: 0 success, 1 bad experiment file, 2 bad usage`;


type Format = 'json' | 'csv' | 'summary';

interface Invocation {
  command: 'solve' | 'simulate';
  file: string;
  format: Format;
  /** simulate: the plain loop instead of the recursion. */
  reference: boolean;
}

/** Parses the arguments; returns a usage error message instead of throwing. */
export function parseArgs(argv: string[]): Invocation | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { help: true };
  const [command, ...rest] = argv;
  if (command === undefined) return { error: 'missing command' };
  if (command !== 'solve' && command !== 'simulate') return { error: `unknown command \`${command}\`` };
  let format: Format | undefined;
  let file: string | undefined;
  let reference = false;
  for (const arg of rest) {
    if (arg === '--reference') {
      if (command !== 'simulate') return { error: '--reference applies to `flab simulate` only' };
      reference = true;
    } else if (arg === '--json' || arg === '--csv' || arg === '--summary') {
      const f = arg.slice(2) as Format;
      if (format !== undefined && format !== f) return { error: `--${format} and ${arg} cannot be combined` };
      format = f;
    } else if (arg.startsWith('-') && arg !== '-') {
      return { error: `unknown option \`${arg}\`` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { error: `unexpected argument \`${arg}\`: one experiment file at a time` };
    }
  }
  if (file === undefined) return { error: `missing experiment file: flab ${command} FILE` };
  return { command, file, format: format ?? 'json', reference };
}

/** Runs one invocation; returns the exit code and what to print. */
export function run(argv: string[], readText: (file: string) => string): CliOutput {
  if (isAnalysisCommand(argv[0]) && !argv.includes('--help') && !argv.includes('-h')) return runAnalysis(argv, readText, USAGE);
  const parsed = parseArgs(argv);
  if ('help' in parsed) return { code: EXIT_OK, stdout: USAGE + '\n', stderr: '' };
  if ('error' in parsed) return { code: EXIT_USAGE, stdout: '', stderr: `flab: ${parsed.error}\n${USAGE}\n` };
  const { command, file, format, reference } = parsed;
  const loaded = loadExperiment(file, readText);
  if (!('experiment' in loaded)) return loaded;
  let result: Trajectory;
  try {
    result = command === 'solve' ? solve(loaded.experiment) : simulate(loaded.experiment, { reference });
  } catch (e) {
    return loaded.fail(e);
  }
  const stdout = format === 'csv' ? toCsv(result) : format === 'summary' ? JSON.stringify(result.summary, null, 2) + '\n' : toJson(result) + '\n';
  return { code: EXIT_OK, stdout, stderr: '' };
}

function main(): void {
  const { code, stdout, stderr, files } = run(process.argv.slice(2), (f) => readFileSync(f === '-' ? 0 : f, 'utf8'));
  for (const f of files ?? []) {
    try {
      writeFileSync(f.path, f.text);
    } catch (e) {
      process.stderr.write(`flab: cannot write ${f.path}: ${(e as Error).message}\n`);
      process.exit(EXIT_BAD_FILE);
    }
  }
  if (stderr) process.stderr.write(stderr);
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(code); // the reader went away (`flab … | head`): not an error of ours
    throw e;
  });
  if (stdout) process.stdout.write(stdout, () => process.exit(code));
  else process.exitCode = code;
}

if (require.main === module) main();
