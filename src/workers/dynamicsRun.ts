/**
 * One run of an experiment for the panel, from document text to what the webview draws (no
 * vscode import: the dynamics worker runs it, and the unit tests call it directly). Never throws:
 * a solver exception becomes a located diagnostic, exactly like a validation error.
 */
import { locatePath, parseExperiment } from '../core/experiment/parse';
import { Diagnostic } from '../core/experiment/diagnostic';
import { ExperimentError } from '../core/experiment/errors';
import { simulate } from '../core/runs/simulate';
import { solve } from '../core/runs/solve';
import { solveSweepSync } from '../core/analysis/sweep';
import { thin } from '../core/trajectory/thin';
import { Trajectory } from '../core/trajectory/trajectory';
import { readCompareSimulate, readControls } from '../document/controlState';
import type { SweepRunView, SweepView } from '../protocol/dynamics';
import type { DynamicsOutcome, DynamicsRunOptions } from '../protocol/workers';

/** Parses, validates and runs `text`; the outcome's series have at most `maxPoints` points. */
export function runExperiment(text: string, options: DynamicsRunOptions): DynamicsOutcome {
  const parsed = parseExperiment(text);
  const controls = readControls(parsed.tree);
  const compareSimulate = readCompareSimulate(parsed.tree);
  const e = parsed.experiment;
  if (!e || parsed.diagnostics.some((d) => d.severity === 'error')) {
    return { kind: 'invalid', diagnostics: parsed.diagnostics, controls, compareSimulate };
  }
  if (options.validateOnly) return { kind: 'valid' };
  try {
    let trajectory: Trajectory;
    let simulation: Trajectory | null = null;
    let deviation: number | null = null;
    const linear = e.model.activation === 'linear';
    const descent = linear && (e.compare.simulate || options.descent === true);
    if (linear) {
      trajectory = solve(e);
      if (descent) {
        simulation = simulate(e);
        deviation = maxZetaDeviation(trajectory, simulation);
      }
    } else {
      trajectory = simulate(e);
    }
    return {
      kind: 'result',
      title: e.name ?? options.fileName,
      trajectory: thin(trajectory, options.maxPoints),
      simulation: simulation && thin(simulation, options.maxPoints),
      deviation,
      controls: controls ?? [],
      compareSimulate,
      sweep: e.sweep ? sweepRuns(e, { flow: !linear || !descent || e.compare.simulate, descent }, options.maxPoints) : null,
    };
  } catch (err) {
    const diagnostic: Diagnostic =
      err instanceof ExperimentError
        ? { message: err.message, path: err.path, ...locatePath(parsed.tree, err.path), severity: 'error' }
        : { message: `the solver failed: ${err instanceof Error ? err.message : String(err)}`, path: '', offset: 0, length: 0, severity: 'error' };
    return { kind: 'invalid', diagnostics: [diagnostic], controls, compareSimulate };
  }
}

/**
 * The sweep's runs: the flow (exact for a linear network, descent otherwise) when `show.flow`, the
 * descent at the experiment's rates when `show.descent` (linear only). Each run gets a share of
 * `maxPoints`, so a seven-value sweep costs the webview about what two plain runs do.
 */
function sweepRuns(e: Parameters<typeof solve>[0], show: { flow: boolean; descent: boolean }, maxPoints: number): SweepView {
  const flows = show.flow ? solveSweepSync(e) : null;
  const descents = show.descent ? solveSweepSync(e, 'simulate') : null;
  const spec = (flows ?? descents)!;
  const points = Math.max(300, Math.floor((2 * maxPoints) / Math.max(1, spec.values.length)));
  const runs: SweepRunView[] = spec.values.map((value, i) => ({
    value,
    trajectory: flows ? thin(flows.runs[i], points) : null,
    simulation: descents ? thin(descents.runs[i], points) : null,
  }));
  return { key: spec.key, path: spec.path, runs };
}

/**
 * Largest |ζ_simulated − ζ_exact| over the simulation's times inside the exact grid, with the
 * exact ζ interpolated linearly in t; null when no time is comparable.
 */
export function maxZetaDeviation(exact: Trajectory, simulation: Trajectory): number | null {
  const t = exact.t;
  let worst: number | null = null;
  let j = 0;
  for (let k = 0; k < simulation.t.length; k++) {
    const s = simulation.t[k];
    const zs = simulation.zeta[k];
    if (zs === null || !(s >= t[0]) || !(s <= t[t.length - 1])) continue;
    while (j < t.length - 2 && t[j + 1] < s) j++;
    const z0 = exact.zeta[j];
    const z1 = exact.zeta[Math.min(j + 1, t.length - 1)];
    let ze: number | null;
    if (t.length === 1 || t[j + 1] === t[j]) ze = z0;
    else if (z0 === null || z1 === null) ze = s === t[j] ? z0 : s === t[j + 1] ? z1 : null;
    else ze = z0 + ((z1 - z0) * (s - t[j])) / (t[j + 1] - t[j]);
    if (ze === null) continue;
    const d = Math.abs(zs - ze);
    if (worst === null || d > worst) worst = d;
  }
  return worst;
}
