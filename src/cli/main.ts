/**
 * The `flab` executable (dist/cli.js): runs src/cli/run.ts on the process's arguments, writes the
 * files a command produced (`phase --svg OUT`), prints, and exits with the code. Whatever happens,
 * no stack trace reaches the terminal.
 */
import { visibleControls } from '../core/experiment/diagnostic';
import { EXIT_BAD_FILE } from './command';
import { deferWhileWriting, Interrupts, processInterrupts } from './interrupts';
import { writeOutputFile } from './outputFile';
import { runCli } from './run';

async function main(): Promise<void> {
  // A training command listens for Ctrl+C while it trains (src/cli/interrupts.ts); its notice goes out at
  // once, on a line of its own (the progress counter's line erased first on a terminal).
  const notify = (text: string) => process.stderr.write((process.stderr.isTTY ? '\r\u001b[K' : '') + visibleControls(text));
  let heard: Interrupts | null = null;
  const interrupts = () => (heard = processInterrupts(notify));
  const { code, stdout, stderr, files } = await runCli(process.argv.slice(2), undefined, { sink: process.stderr, interrupts });
  // ... and until its output is written: a signal there no longer cuts it short.
  if (heard) deferWhileWriting((heard as Interrupts).received, notify);
  for (const f of files ?? []) {
    try {
      // A new file renamed over f.path: never written through a hard link into the user's other file.
      writeOutputFile(f.path, f.text);
    } catch (e) {
      process.stderr.write(visibleControls(`flab: cannot write ${f.path}: ${(e as Error).message}\n`));
      process.exit(EXIT_BAD_FILE);
    }
  }
  if (stderr) process.stderr.write(stderr);
  const failed = (e: NodeJS.ErrnoException): void => {
    // The reader went away (`flab … | head`): not an error of ours.
    if (e.code === 'EPIPE') process.exit(code);
    process.stderr.write(`flab: cannot write the output: ${e.message}\n`);
    process.exit(EXIT_BAD_FILE);
  };
  process.stdout.on('error', failed);
  // The write's own callback hears a failed write first (a full disk, /dev/full): it must not exit 0.
  if (stdout) process.stdout.write(stdout, (e) => (e ? failed(e) : process.exit(code)));
  else process.exitCode = code;
}

void main();
