/**
 * The built command line (dist/cli.js, `npm run build`) run as a process in a temporary folder of its
 * own, for the CLI's tests: `flab(...args)` with that folder as the working directory (60 s at most),
 * `write(name, value)` a JSON file there (pretty-printed) and its path.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What a `flab` process gave: its exit code (null when killed) and its two streams. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliFolder {
  dir: string;
  flab(...args: string[]): CliResult;
  write(name: string, value: unknown): string;
}

const CLI = resolve(__dirname, '../../../../dist/cli.js');

/** A new temporary folder whose name starts with `prefix`, and the CLI run there. */
export function cliFolder(prefix: string): CliFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    flab(...args: string[]): CliResult {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    write(name: string, value: unknown): string {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(value, null, 2));
      return file;
    },
  };
}
