// End-to-end latency in code-server, for `npm run bench`: from a pasted edit of an experiment to
// the panel's DOM showing the new result, measured in the page (see harness/session.ts). Prints
// one JSON object on stdout:
//   { width, repeats, startupMs, solve: { medianMs, samplesMs }, floor: { medianMs, samplesMs } }
// `solve`: the target y changes (a new solve at `width`); `floor`: only the name changes (the
// panel's title follows; the smallest round trip the extension makes).
// Usage: node out/test/integration/e2eLatency.js [--width 10000] [--repeats 15] [--example alignment.flab.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { findRepoRoot } from './harness/codeServer';
import { openPanel, openSession, pasteAndMeasure, pasteAndMeasureText } from './harness/session';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  const width = Number(arg('width', '10000'));
  const repeats = Number(arg('repeats', '15'));
  const example = arg('example', 'alignment.flab.json');
  const s = await openSession({ repo, name: 'e2e-latency', folder: join(repo, 'examples') });
  try {
    await openPanel(s.wb, example);
    const original = readFileSync(join(s.workspace, example), 'utf8');
    const base = applyEdits(original, modify(original, ['model', 'width'], width, {}));
    // Settle at the measured width first (its first solve is not a sample).
    await pasteAndMeasure(s.wb, example, base).catch(() => undefined);
    const solve: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < repeats; i++) {
      // Alternate around the original target so every edit changes the result.
      const y = 1 + 0.05 * (i + 1) * (i % 2 ? 1 : -1);
      solve.push((await pasteAndMeasure(s.wb, example, applyEdits(base, modify(base, ['data', 'y'], y, {})))).ms);
    }
    const settled = applyEdits(base, modify(base, ['data', 'y'], 1, {}));
    await pasteAndMeasure(s.wb, example, settled).catch(() => undefined);
    for (let i = 0; i < repeats; i++) {
      floor.push((await pasteAndMeasureText(s.wb, example, applyEdits(settled, modify(settled, ['name'], `latency run ${i}`, {})), ['h1.title'])).ms);
    }
    console.log(
      JSON.stringify({
        width,
        repeats,
        startupMs: s.startupMs,
        solve: { medianMs: median(solve), samplesMs: solve },
        floor: { medianMs: median(floor), samplesMs: floor },
      }),
    );
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
