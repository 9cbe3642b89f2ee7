// Host-side latency in code-server, for `npm run bench`: for each width, the median time from a
// pasted edit of the experiment (a new target y, so a new solve) to the dynamics panel's charts
// having called setData with the result. The path is the extension's own: document change →
// parse → solve in the solver worker → message → the webview bundle's update handler. The time is
// taken in the webview: its update handler writes the summary and calls the charts' setData in one
// synchronous task (webview/main.ts, draw()), and the MutationObserver armed by watchSummary
// records Date.now() only after that task. The start is Date.now() just before Ctrl+V, so the
// editor applying the paste is included. Prints one JSON object on stdout:
//   { repeats, startupMs, widths: [{ width, medianMs, samplesMs }] }
// Usage: node out/test/integration/setDataLatency.js [--widths 1000,100000,1000000] [--repeats 7]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { findRepoRoot } from './harness/codeServer';
import { openPanel, openSession, pasteAndMeasure } from './harness/session';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// SIGTERM from the bench (on its timeout) should still run the harness's exit hook that kills code-server.
process.on('SIGTERM', () => process.exit(143));

async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  const widths = arg('widths', '1000,100000,1000000').split(',').map(Number);
  const repeats = Number(arg('repeats', '7'));
  const example = arg('example', 'alignment.flab.json');
  const s = await openSession({ repo, name: 'setdata-latency', folder: join(repo, 'examples') });
  try {
    await openPanel(s.wb, example);
    const original = readFileSync(join(s.workspace, example), 'utf8');
    const results: { width: number; medianMs: number; samplesMs: number[] }[] = [];
    for (const width of widths) {
      const base = applyEdits(original, modify(original, ['model', 'width'], width, {}));
      // Settle at this width first (its first solve is not a sample).
      await pasteAndMeasure(s.wb, example, base, undefined, 120_000).catch(() => undefined);
      const samples: number[] = [];
      for (let i = 0; i < repeats; i++) {
        // Alternate around the original target so every edit changes the result.
        const y = 1 + 0.05 * (i + 1) * (i % 2 ? 1 : -1);
        samples.push((await pasteAndMeasure(s.wb, example, applyEdits(base, modify(base, ['data', 'y'], y, {})), undefined, 120_000)).ms);
      }
      results.push({ width, medianMs: median(samples), samplesMs: samples });
    }
    console.log(JSON.stringify({ repeats, startupMs: s.startupMs, widths: results }));
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
