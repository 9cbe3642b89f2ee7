/**
 * The analysis commands of `flab` (docs/mechanisms.md, docs/phase-diagram.md):
 *   flab phase FILE --x KEY=FROM:TO --y KEY=FROM:TO [--size N | NxM] [--linear] [--json | --csv | --svg OUT]
 *   flab scaling FILE [--widths 64:65536] [--seeds 5] [--json | --csv]
 *   flab sweep FILE [--json | --csv | --summary]
 * Same conventions as `flab solve`: exit 0 success, 1 bad experiment file, 2 bad usage.
 */
import { CliOutput, EXIT_BAD_FILE, EXIT_OK, EXIT_USAGE, loadExperiment } from './cliInput';
import { SCORE_NAMES } from './core/mechanisms/classify';
import { PhaseAxis, PhaseDiagram, phaseDiagramSync } from './core/analysis/phase/phaseDiagram';
import { phaseSvg } from './core/analysis/phase/phaseSvg';
import { parseWidths, WIDTH_SCAN_SCORES, WidthScanResult, widthScan } from './core/analysis/widthScan';
import { solveSweepSync, SweepResult } from './core/analysis/sweep';
import { SERIES_COLUMNS } from './core/trajectory/trajectory';

export const ANALYSIS_COMMANDS = ['phase', 'scaling', 'sweep'] as const;
type Command = (typeof ANALYSIS_COMMANDS)[number];

export const ANALYSIS_USAGE = `  phase FILE --x KEY=FROM:TO --y KEY=FROM:TO [--size N|NxM] [--linear] [--json | --csv | --svg OUT]
                  mechanism label and scores over a grid of two hyperparameters (exact, t → ∞);
                  KEY is a JSON path (init.scaleU) or a unique key (outputScale); log axes unless --linear
  scaling FILE [--widths 64:65536] [--seeds 5] [--json | --csv]
                  each score's median over seeds at widths over decades, fitted and analytic exponents
  sweep FILE [--json | --csv | --summary]
                  one run per value of the file's "sweep"`;

const DEFAULT_PHASE_SIZE = 64;

/** True for the commands this module runs. */
export function isAnalysisCommand(c: string | undefined): c is Command {
  return (ANALYSIS_COMMANDS as readonly string[]).includes(c ?? '');
}

interface Options {
  file?: string;
  format?: 'json' | 'csv' | 'summary' | 'svg';
  svgOut?: string;
  x?: string;
  y?: string;
  size?: string;
  linear?: boolean;
  widths?: string;
  seeds?: string;
}

function parseOptions(command: Command, args: string[]): Options | { error: string } {
  const o: Options = {};
  const valued: Record<string, keyof Options> = { '--x': 'x', '--y': 'y', '--size': 'size', '--widths': 'widths', '--seeds': 'seeds', '--svg': 'svgOut' };
  const allowed: Record<Command, string[]> = {
    phase: ['--x', '--y', '--size', '--linear', '--json', '--csv', '--svg'],
    scaling: ['--widths', '--seeds', '--json', '--csv'],
    sweep: ['--json', '--csv', '--summary'],
  };
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0 && valued[arg.slice(0, eq)]) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg.startsWith('-') && arg !== '-') {
      if (!allowed[command].includes(arg)) return { error: `unknown option \`${arg}\` for \`flab ${command}\`` };
      const format = arg === '--json' ? 'json' : arg === '--csv' ? 'csv' : arg === '--summary' ? 'summary' : arg === '--svg' ? 'svg' : undefined;
      if (format) {
        if (o.format !== undefined && o.format !== format) return { error: `--${o.format} and ${arg} cannot be combined` };
        o.format = format;
      }
      if (arg === '--linear') o.linear = true;
      const key = valued[arg];
      if (key) {
        const value = inline ?? args[++i];
        if (value === undefined) return { error: `${arg} needs a value` };
        (o as Record<string, unknown>)[key] = value;
      }
    } else if (o.file === undefined) {
      o.file = arg;
    } else {
      return { error: `unexpected argument \`${arg}\`: one experiment file at a time` };
    }
  }
  if (o.file === undefined) return { error: `missing experiment file: flab ${command} FILE` };
  return o;
}

/** `KEY=FROM:TO` → an axis. */
export function parseAxis(spec: string, linear: boolean): PhaseAxis | { error: string } {
  const m = /^([^=]+)=([^:]+):([^:]+)$/.exec(spec);
  if (!m) return { error: `expected KEY=FROM:TO, got \`${spec}\`` };
  const from = Number(m[2]);
  const to = Number(m[3]);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { error: `\`${spec}\`: FROM and TO must be numbers` };
  return { key: m[1].trim(), from, to, scale: linear ? 'linear' : 'log' };
}

/** Runs `phase`, `scaling` or `sweep`. */
export function runAnalysis(argv: string[], readText: (file: string) => string, usage: string): CliOutput {
  const command = argv[0] as Command;
  const parsed = parseOptions(command, argv.slice(1));
  const usageError = (message: string): CliOutput => ({ code: EXIT_USAGE, stdout: '', stderr: `flab: ${message}\n${usage}\n` });
  if ('error' in parsed) return usageError(parsed.error);
  const file = parsed.file!;

  // Usage checks that do not need the file.
  let xAxis: PhaseAxis | undefined;
  let yAxis: PhaseAxis | undefined;
  let size: [number, number] = [DEFAULT_PHASE_SIZE, DEFAULT_PHASE_SIZE];
  let widths: number[] = [];
  let seeds = 5;
  if (command === 'phase') {
    if (!parsed.x || !parsed.y) return usageError('flab phase needs both --x KEY=FROM:TO and --y KEY=FROM:TO');
    const x = parseAxis(parsed.x, !!parsed.linear);
    const y = parseAxis(parsed.y, !!parsed.linear);
    if ('error' in x) return usageError(`--x: ${x.error}`);
    if ('error' in y) return usageError(`--y: ${y.error}`);
    xAxis = x;
    yAxis = y;
    if (parsed.size !== undefined) {
      const m = /^(\d+)(?:x(\d+))?$/.exec(parsed.size);
      if (!m) return usageError(`--size: expected N or NxM, got \`${parsed.size}\``);
      size = [Number(m[1]), Number(m[2] ?? m[1])];
    }
    if (parsed.format === 'svg' && !parsed.svgOut) return usageError('--svg needs an output file');
  }
  if (command === 'scaling') {
    const w = parseWidths(parsed.widths ?? '64:65536');
    if ('error' in w) return usageError(w.error);
    widths = w;
    if (parsed.seeds !== undefined) {
      seeds = Number(parsed.seeds);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000) return usageError(`--seeds must be a whole number from 1 to 1000, got \`${parsed.seeds}\``);
    }
  }

  const loaded = loadExperiment(file, readText);
  if (!('experiment' in loaded)) return loaded;
  const { experiment } = loaded;
  try {
    switch (command) {
      case 'phase': {
        const p = phaseDiagramSync(experiment, xAxis!, yAxis!, size);
        if (parsed.format === 'svg') return { code: EXIT_OK, stdout: '', stderr: '', files: [{ path: parsed.svgOut!, text: phaseSvg(p, { title: experiment.name }) }] };
        return { code: EXIT_OK, stdout: parsed.format === 'csv' ? phaseCsv(p) : JSON.stringify(phaseJson(p)) + '\n', stderr: '' };
      }
      case 'scaling': {
        const r = widthScan(experiment, widths, seeds);
        return { code: EXIT_OK, stdout: parsed.format === 'csv' ? scalingCsv(r) : JSON.stringify(r) + '\n', stderr: '' };
      }
      case 'sweep': {
        if (!experiment.sweep) return { code: EXIT_BAD_FILE, stdout: '', stderr: `${file}: error: the experiment has no "sweep" (for example "sweep": { "outputScale": { "from": 0.01, "to": 100, "count": 5 } })\n` };
        const r = solveSweepSync(experiment);
        return { code: EXIT_OK, stdout: sweepOutput(r, parsed.format ?? 'json'), stderr: '' };
      }
    }
  } catch (e) {
    if (e instanceof RangeError) return usageError(e.message);
    return loaded.fail(e);
  }
  return usageError(`unknown command \`${command}\``);
}

/** The JSON of `flab phase`: axes, labels and scores as rows (by y) of columns (by x); null where undefined. */
export function phaseJson(p: PhaseDiagram): unknown {
  const nx = p.x.values.length;
  const ny = p.y.values.length;
  const rows = <T>(cell: (k: number) => T): T[][] => Array.from({ length: ny }, (_, i) => Array.from({ length: nx }, (_, j) => cell(i * nx + j)));
  const scores: Record<string, (number | null)[][]> = {};
  for (const name of SCORE_NAMES) scores[name] = rows((k) => finiteOrNull(p.scores[name][k]));
  return {
    x: { key: p.x.key, path: p.x.path, values: Array.from(p.x.values), current: p.x.current },
    y: { key: p.y.key, path: p.y.path, values: Array.from(p.y.values), current: p.y.current },
    label: rows((k) => p.labelNames[p.labels[k]]),
    scores,
    thresholds: p.thresholds,
  };
}

/** One row per cell: x, y, label and every score. */
export function phaseCsv(p: PhaseDiagram): string {
  const nx = p.x.values.length;
  const lines = [[p.x.path, p.y.path, 'label', ...SCORE_NAMES].join(',')];
  for (let i = 0; i < p.y.values.length; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      lines.push([p.x.values[j], p.y.values[i], `"${p.labelNames[p.labels[k]]}"`, ...SCORE_NAMES.map((n) => csvNumber(p.scores[n][k]))].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function scalingCsv(r: WidthScanResult): string {
  const lines = [['width', ...WIDTH_SCAN_SCORES].join(',')];
  r.widths.forEach((d, i) => lines.push([d, ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.scores[n][i]))].join(',')));
  lines.push(['fitted', ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.fitted[n]))].join(','));
  lines.push(['analytic', ...WIDTH_SCAN_SCORES.map((n) => csvNumber(r.analytic[n]))].join(','));
  return lines.join('\n') + '\n';
}

function sweepOutput(r: SweepResult, format: string): string {
  if (format === 'summary') return JSON.stringify({ key: r.key, path: r.path, values: r.values, summaries: r.runs.map((t) => t.summary) }, null, 2) + '\n';
  if (format === 'csv') {
    const columns = SERIES_COLUMNS.filter((c) => r.runs.every((t) => t[c] !== undefined));
    const lines = [[r.path, ...columns].join(',')];
    r.runs.forEach((t, i) => {
      for (let k = 0; k < t.t.length; k++) lines.push([r.values[i], ...columns.map((c) => csvNumber(t[c]![k]))].join(','));
    });
    return lines.join('\n') + '\n';
  }
  return JSON.stringify(r) + '\n';
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}
