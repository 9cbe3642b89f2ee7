/**
 * What every run of `flab` must satisfy (issue 8, "How it is held"), in two groups:
 * - refusal problems: the command line's contract on any input — exit code 0, 1 or 2, no stack
 *   trace, every refusal located (`FILE:LINE:COL` inside the file, or a usage error naming a flag),
 *   one short line per problem;
 * - output problems: on an accepted input, every number printed finite, |ζ| ≤ 1, the summary's
 *   fields present (kinds 1–4 of issue 8, the numerics).
 * Each problem is one line that says what was wrong and where, for the failure report.
 */

/** What one run returned. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Files the command wrote (the SVG of `phase --svg`). */
  files?: { path: string; text: string }[];
}

/** Longest line of a message: a 1 MB key must not make a 1 MB line. */
export const MAX_MESSAGE_LINE = 2000;

const STACK_FRAME = /^\s+at\s.*(\(|\s)(node:|\/|[A-Za-z]:\\)[^\n]*:\d+(:\d+)?\)?$/m;

/** Problems of the command line's contract on any input. `text` is the file as given (a leading mark is not counted in columns). */
export function refusalProblems(argv: readonly string[], file: string, text: string, r: RunResult): string[] {
  const out: string[] = [];
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) out.push(`exit code ${r.code}`);
  for (const [name, stream] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
    const frame = STACK_FRAME.exec(stream);
    if (frame) out.push(`a stack trace on ${name}: ${JSON.stringify(frame[0].trim())}`);
  }
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const long = lines.find((l) => l.length > MAX_MESSAGE_LINE);
  if (long) out.push(`a message line of ${long.length} characters: ${JSON.stringify(long.slice(0, 120))}…`);
  // A success prints nothing on standard error but notes (`flab phase`'s count of refused cells).
  const unexpected = lines.find((l) => !l.startsWith('flab: note: '));
  if (r.code === 0 && unexpected !== undefined) out.push(`exit 0 with stderr ${JSON.stringify(unexpected.slice(0, 200))}`);
  if (r.code === 1) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const fileLines = body.split(/\r\n|\r|\n/);
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const located = new RegExp(`^${escaped}:(\\d+):(\\d+): (error|warning): \\S`);
    const note = new RegExp(`^${escaped}: note: (1 more error|[\\d,]+ more errors) not shown$`);
    // A file that cannot be read is located as a whole.
    const unreadable = new RegExp(`^${escaped}: error: cannot read the experiment file: \\S`);
    for (const line of lines) {
      // An internal error is no refusal: a bug, reported apart (internalError).
      if (note.test(line) || unreadable.test(line) || line.includes(': error: internal error while running the experiment: ')) continue;
      const m = located.exec(line);
      if (!m) {
        out.push(`exit 1 with an unlocated line: ${JSON.stringify(line.slice(0, 300))}`);
        continue;
      }
      const [row, column] = [Number(m[1]), Number(m[2])];
      if (row > fileLines.length || column > fileLines[row - 1].length + 1) out.push(`a location outside the file (${fileLines.length} lines): ${JSON.stringify(line.slice(0, 200))}`);
    }
    if (lines.length === 0) out.push('exit 1 with nothing on stderr');
  }
  if (r.code === 2) {
    // The message names the flag at fault (or the operand: `one experiment file at a time`).
    const flags = argv.filter((a) => a.startsWith('-') && a !== '-').map((a) => a.replace(/=.*$/, ''));
    if (!lines[0]?.startsWith('flab: ')) out.push(`exit 2 without a \`flab: \` message: ${JSON.stringify(r.stderr.slice(0, 200))}`);
    else if (!flags.some((f) => lines[0].includes(f)) && !/experiment file/.test(lines[0])) out.push(`a usage error that names no flag: ${JSON.stringify(lines[0].slice(0, 300))}`);
    if (argv.length <= 2) out.push('exit 2 on a command line with no option (the file is to blame: exit 1)');
  }
  return out;
}

/** An internal error (a bug of flab's own) in the output, or null. */
export function internalError(r: RunResult): string | null {
  const m = /internal error[^\n]*/.exec(r.stderr);
  return m ? m[0].slice(0, 400) : null;
}

const TRAJECTORY_COLUMNS = ['t', 'output', 'loss', 'normU', 'normW', 'ntk', 'distance', 'objective'];

/** Problems of an accepted run's output: every number finite, |ζ| ≤ 1, a consistent summary. */
export function outputProblems(argv: readonly string[], r: RunResult): string[] {
  if (r.code !== 0) return [];
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (options.includes('-h') || options.includes('--help')) return r.stdout.startsWith('usage: flab ') ? [] : ['help asked for, and something else printed'];
  const out: string[] = [];
  const [command] = argv;
  const format = argv.find((a) => a === '--csv' || a === '--summary' || a === '--svg') ?? '--json';
  if (/\bNaN\b|Infinity/.test(r.stdout)) out.push(`NaN or Infinity printed: ${JSON.stringify(/.{0,60}(NaN|Infinity).{0,60}/.exec(r.stdout)?.[0])}`);
  for (const f of r.files ?? []) if (/NaN|Infinity/.test(f.text)) out.push(`NaN or Infinity in ${f.path}`);
  if (format === '--svg') return out;
  if (format === '--csv') return out.concat(csvProblems(command, r.stdout));
  let value: unknown;
  try {
    value = JSON.parse(r.stdout);
  } catch (e) {
    return out.concat([`output is not JSON: ${(e as Error).message}`]);
  }
  const v = value as Record<string, unknown>;
  if (command === 'solve' || command === 'simulate') {
    if (format === '--summary') out.push(...summaryProblems(v, 'summary'));
    else out.push(...trajectoryProblems(v, ''));
  } else if (command === 'sweep') {
    if (format === '--summary') (v.summaries as unknown[]).forEach((s, i) => out.push(...summaryProblems(s as Record<string, unknown>, `summaries[${i}]`)));
    else (v.runs as unknown[]).forEach((t, i) => out.push(...trajectoryProblems(t as Record<string, unknown>, `runs[${i}].`)));
  } else if (command === 'phase') {
    for (const axis of ['x', 'y']) {
      const values = (v[axis] as { values: unknown[] }).values;
      if (!values.every(isFinite)) out.push(`phase ${axis}.values not all finite`);
    }
    // A refused cell (beyond 64 bits) has no label and no outcome; otherwise gradient descent has an
    // outcome per cell, and a label exactly where the run did not diverge; the flow a label everywhere.
    const outcome = v.outcome as (string | null)[][] | undefined;
    const label = v.label as (string | null)[][];
    const refused = v.refused as boolean[][];
    label.forEach((row, i) =>
      row.forEach((l, j) => {
        const o = outcome ? outcome[i][j] : null;
        if (typeof refused[i][j] !== 'boolean') out.push(`phase refused[${i}][${j}] = ${JSON.stringify(refused[i][j])}`);
        else if (refused[i][j]) {
          if (l !== null || o !== null) out.push(`phase cell [${i}][${j}] is refused but has label ${JSON.stringify(l)}, outcome ${JSON.stringify(o)}`);
        } else if (outcome && !['converged', 'catapult', 'unsettled', 'diverged'].includes(o as string)) out.push(`phase outcome[${i}][${j}] = ${JSON.stringify(o)}`);
        else if ((l === null) !== (o === 'diverged')) out.push(`phase label[${i}][${j}] = ${JSON.stringify(l)} for a ${o ?? 'flow'} cell`);
      }),
    );
  }
  return out.slice(0, 5);
}

function isFinite(x: unknown): boolean {
  return typeof x === 'number' && Number.isFinite(x);
}

function trajectoryProblems(t: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  const n = (t.t as unknown[]).length;
  for (const c of TRAJECTORY_COLUMNS) {
    const column = t[c] as unknown[] | undefined;
    if (column === undefined) continue;
    if (column.length !== n) out.push(`${where}${c} has ${column.length} points, t has ${n}`);
    const k = column.findIndex((x) => !isFinite(x));
    if (k >= 0) out.push(`${where}${c}[${k}] = ${JSON.stringify(column[k])} at t = ${(t.t as unknown[])[k]}`);
  }
  const zeta = t.zeta as unknown[];
  const k = zeta.findIndex((z) => z !== null && !(isFinite(z) && Math.abs(z as number) <= 1 + 1e-12));
  if (k >= 0) out.push(`${where}zeta[${k}] = ${JSON.stringify(zeta[k])}: |ζ| must be ≤ 1`);
  return out.concat(summaryProblems(t.summary as Record<string, unknown>, `${where}summary`));
}

function summaryProblems(s: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  for (const key of ['lossInitial', 'lossFinal', 'horizon', 'effectiveInput', 'effectiveTarget']) {
    if (!isFinite(s[key])) out.push(`${where}.${key} = ${JSON.stringify(s[key])}`);
  }
  for (const key of ['zetaInitial', 'zetaFinal']) {
    const z = s[key];
    if (z !== null && !(isFinite(z) && Math.abs(z as number) <= 1 + 1e-12)) out.push(`${where}.${key} = ${JSON.stringify(z)}: |ζ| must be ≤ 1`);
  }
  const limit = s.limit as Record<string, unknown> | null;
  if (limit) {
    for (const key of ['output', 'loss', 'normU', 'normW', 'ntk']) if (!isFinite(limit[key])) out.push(`${where}.limit.${key} = ${JSON.stringify(limit[key])}`);
    if (limit.zeta !== null && !(isFinite(limit.zeta) && Math.abs(limit.zeta as number) <= 1 + 1e-12)) out.push(`${where}.limit.zeta = ${JSON.stringify(limit.zeta)}`);
  }
  if (s.label === null && !s.diverged) out.push(`${where}.label is null, and the run did not diverge`);
  const scores = s.scores as Record<string, unknown> | null | undefined;
  if (scores) for (const [key, x] of Object.entries(scores)) if (x !== null && !isFinite(x)) out.push(`${where}.scores.${key} = ${JSON.stringify(x)}`);
  return out;
}

function csvProblems(command: string, text: string): string[] {
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  const out: string[] = [];
  const nullable = new Set(command === 'phase' || command === 'scaling' ? header.slice(command === 'phase' ? 3 : 1) : ['zeta']);
  for (let i = 1; i < lines.length && out.length < 3; i++) {
    const fields = lines[i].split(',');
    fields.forEach((f, j) => {
      if (command === 'phase' && (header[j] === 'label' || header[j] === 'outcome')) return; // text
      if (command === 'phase' && header[j] === 'refused') {
        if (f !== 'true' && f !== 'false') out.push(`CSV line ${i + 1}, refused = ${JSON.stringify(f)}`);
        return;
      }
      if (command === 'scaling' && j === 0) return; // a width, or `fitted`/`analytic`
      if (f === '' ? !nullable.has(header[j]) : !Number.isFinite(Number(f))) out.push(`CSV line ${i + 1}, ${header[j]} = ${JSON.stringify(f)}`);
    });
  }
  return out;
}
