// The extension's benchmark sections (issue 3, `npm run bench`), both in code-server driven by
// Playwright through the integration harness (test/integration/harness): each runs one built
// script (out/test/integration/*.js, from `npm run build`) that prints JSON. Each script runs in its
// own process group with its own scratch folder and ports; whatever it leaves behind (code-server
// and its extension hosts, Chromium: each in a process group of its own) is found by that folder in
// its command line and its group killed, also when the section fails or times out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleScript, ms, repo, runJson } from './util.mjs';

const REPETITIONS = Number(process.env.FLAB_BENCH_REPETITIONS ?? 7);
/** Ports for the bench's code-servers (FLAB_BENCH_PORTS="from-to"); the tests use their own range. */
const PORTS = process.env.FLAB_BENCH_PORTS ?? '18600-18699';
/** A section whose code-server run takes longer than this is stopped (FLAB_BENCH_TIMEOUT_MS). */
const TIMEOUT_MS = Number(process.env.FLAB_BENCH_TIMEOUT_MS ?? 10 * 60_000);

/** Process ids whose command line mentions `marker` (a scratch folder only this run uses). */
function processesMentioning(marker) {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** The process group of `pid` (from /proc/PID/stat: the fields after the command's ")" are state, ppid, pgrp, …). */
function groupOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Kills the process groups of everything started under `marker` (what the script's own clean-up missed). */
function killLeftovers(marker) {
  const own = groupOf(process.pid);
  for (const pid of processesMentioning(marker)) {
    try {
      const group = groupOf(pid);
      // Never our own group (that would end the bench): then only the process itself.
      process.kill(group > 1 && group !== own ? -group : pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Runs `node out/test/integration/NAME.js ARGS` in its own process group; resolves to its JSON output. */
async function runHarness(name, args) {
  const script = join(repo, 'out', 'test', 'integration', `${name}.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: npm run build`);
  const root = join(repo, '.tmp');
  const scratch = mkdtempSync(join(existsSync(root) ? root : repo, `bench-${name}-`));
  const child = spawn(process.execPath, [script, ...args], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FLAB_TEST_TMP: scratch, FLAB_TEST_PORTS: PORTS },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => {
    try {
      process.kill(child.pid, 'SIGTERM'); // lets the script stop its code-server; the sweep below catches the rest
    } catch {
      // Already gone.
    }
  }, TIMEOUT_MS);
  try {
    const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? signal)));
    if (code !== 0) throw new Error(`${name} exited with ${code}: ${stderr.trim().split('\n').slice(-6).join(' / ')}`);
    const line = stdout.trim().split('\n').pop();
    return JSON.parse(line);
  } finally {
    clearTimeout(timer);
    try {
      process.kill(-child.pid, 'SIGKILL'); // the script's own group (nothing, if it ended cleanly)
    } catch {
      // Already gone.
    }
    killLeftovers(scratch);
    rmSync(scratch, { recursive: true, force: true });
  }
}

const power = { 1000: '10³', 10000: '10⁴', 100000: '10⁵', 1000000: '10⁶' };

/**
 * The host half alone, in Node: the panel's own steps after a document change (parse on the main
 * thread, the extension's real dynamics channel running dist/dynamicsWorker.js, the update message built) until the
 * message is ready to post. Medians per width, widths alternating.
 */
async function hostHalf(widths) {
  const worker = join(repo, 'dist', 'dynamicsWorker.js');
  if (!existsSync(worker)) throw new Error('dist/dynamicsWorker.js is missing: npm run build');
  const original = readFileSync(join(repo, 'examples', 'alignment.flab.json'), 'utf8');
  const script = await bundleScript('host-half.js', `import { applyEdits, modify } from 'jsonc-parser';
        import { parseExperiment } from './src/core/experiment/parse';
        import { dynamicsChannel } from './src/extension/channels';
        const original = ${JSON.stringify(original)};
        const widths = ${JSON.stringify(widths)};
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
        async function main() {
          const bridge = dynamicsChannel(${JSON.stringify(worker)});
          const times: number[][] = widths.map(() => []);
          // Round 0 warms the worker up at each width and is not a sample.
          for (let r = 0; r <= ${REPETITIONS}; r++) {
            for (const [i, width] of widths.entries()) {
              const base = applyEdits(original, modify(original, ['model', 'width'], width, {}));
              const text = applyEdits(base, modify(base, ['data', 'y'], 1 + 0.01 * (r + 1), {}));
              const t0 = performance.now();
              // A small document (under problems.ts's MAIN_THREAD_PARSE_LIMIT, as here) is parsed on the main thread first.
              if (!parseExperiment(text).experiment) throw new Error('invalid');
              const result = await bridge.run({ text, options: { maxPoints: 4000, fileName: 'alignment.flab.json' } });
              if (result.superseded || result.result.kind !== 'result') throw new Error(JSON.stringify(result).slice(0, 300));
              const o = result.result;
              const update = { type: 'update', version: r, title: o.title, trajectory: o.trajectory, simulation: o.simulation, deviation: o.deviation, controls: o.controls, compareSimulate: o.compareSimulate, sweep: o.sweep };
              if (!update.trajectory) throw new Error('no trajectory');
              if (r > 0) times[i].push(performance.now() - t0);
            }
          }
          bridge.dispose();
          console.log(JSON.stringify(times.map(median)));
        }
        main().catch((e) => { console.error(e); process.exit(1); });`);
  return runJson([script]);
}

/**
 * (a) Host side: a document change to the webview's setData, widths 10³, 10⁵, 10⁶, through the
 * extension's real path (solver worker, webview bundle) in code-server.
 */
async function changeToSetData() {
  const widths = [1000, 100000, 1000000];
  const host = await hostHalf(widths);
  const r = await runHarness('setDataLatency', ['--widths', widths.join(','), '--repeats', String(REPETITIONS)]);
  const parts = r.widths.map((w) => `${power[w.width] ?? w.width}: ${ms(w.medianMs)}`);
  const halves = widths.map((w, i) => `${power[w]}: ${ms(host[i])}`);
  return `${parts.join(', ')} (code-server, from the paste keystroke of a new data.y to the webview's chart setData: the editor's apply, parse, solve in the worker, message, the bundle's update; median of ${r.repeats} per width). ` +
    `Host half alone in Node (parse, the real dynamics channel and dist/dynamicsWorker.js, update message ready to post): ${halves.join(', ')}`;
}

/** (b) End to end in code-server at width 10⁴: pasted edit → updated summary, beside the name-only floor. */
async function endToEnd() {
  const repeats = Math.max(REPETITIONS, 15);
  const r = await runHarness('e2eLatency', ['--width', '10000', '--repeats', String(repeats)]);
  const ratio = r.solve.medianMs / r.floor.medianMs;
  return `width 10⁴: pasted edit → updated summary ${ms(r.solve.medianMs)}, name-only floor (title) ${ms(r.floor.medianMs)}: ratio ${ratio.toFixed(2)} (target ≤ 1.3; median of ${r.repeats} each)`;
}

export const sections = [
  { name: 'extension: document change to the webview setData (host side)', run: changeToSetData },
  { name: 'extension: end-to-end pasted edit in code-server vs floor', run: endToEnd },
];
