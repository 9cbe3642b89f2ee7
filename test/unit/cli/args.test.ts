/** The command table and its one argument parser: options anywhere, values inline or next, groups, help from the table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, usageLine } from '../../../src/cli/args';
import { Command, UsageError } from '../../../src/cli/command';
import { COMMANDS } from '../../../src/cli/commands';
import { commandHelp, overallHelp, runCli } from '../../../src/cli/run';
import { TRAIN_COLUMNS } from '../../../src/core/runs/layerCsv';

const phase = COMMANDS.find((c) => c.name === 'phase')!;
const solve = COMMANDS.find((c) => c.name === 'solve')!;

function usage(command: Command, argv: string[]): string {
  try {
    parseArgs(command, argv, COMMANDS);
  } catch (e) {
    assert.ok(e instanceof UsageError);
    return e.message;
  }
  assert.fail(`accepted: ${argv.join(' ')}`);
}

test('options come before, between or after the operand; values inline or next', async () => {
  const a = parseArgs(phase, ['--x=outputScale=1:2', 'f.json', '--y', 'seed=1:3', '--size=8', '--csv'], COMMANDS);
  assert.deepEqual(a.operands, ['f.json']);
  assert.equal(a.value('--x'), 'outputScale=1:2');
  assert.equal(a.value('--y'), 'seed=1:3');
  assert.equal(a.value('--size'), '8');
  assert.equal(a.choice('format', 'json'), 'csv');
  assert.equal(a.has('--linear'), false);
  const b = parseArgs(solve, ['--', '--odd-name.json'], COMMANDS);
  assert.deepEqual(b.operands, ['--odd-name.json'], '-- ends the options');
  assert.equal(b.choice('format', 'json'), 'json');
  assert.deepEqual(parseArgs(solve, ['-'], COMMANDS).operands, ['-'], '- is standard input');
  assert.equal(parseArgs(solve, ['f', '--json', '--json'], COMMANDS).choice('format', 'x'), 'json');
});

test('each misuse is a usage error that names the argument', async () => {
  assert.equal(usage(solve, ['f', '--xml']), 'unknown option `--xml` for `flab solve`');
  assert.equal(usage(solve, ['f', '--reference']), '--reference applies to `flab simulate` only');
  assert.equal(usage(solve, ['f', '--widths', '4']), '--widths applies to `flab scaling` only');
  assert.equal(usage(solve, ['f', '--json', '--csv']), '--json and --csv cannot be combined');
  assert.equal(usage(solve, ['f', '--json=yes']), '--json takes no value, got `--json=yes`');
  assert.equal(usage(solve, []), 'missing experiment file: flab solve FILE');
  // An empty name read as a file that does not exist: `: error: cannot read the experiment file`, exit 1.
  assert.equal(usage(solve, ['']), 'the experiment file is an empty name: give a path, or - for standard input');
  assert.equal(usage(solve, ['--', '']), 'the experiment file is an empty name: give a path, or - for standard input');
  assert.equal(usage(solve, ['a', 'b']), 'unexpected argument `b`: one experiment file at a time');
  assert.equal(usage(phase, ['f', '--y', 'seed=1:2', '--x']), '--x needs a value: --x KEY=FROM:TO');
  assert.equal(usage(phase, ['f', '--y', 'seed=1:2']), 'flab phase needs --x KEY=FROM:TO');
  assert.equal(usage(phase, ['f', '--x', 'a', '--y', 'b', '--csv', '--svg', 'o.svg']), '--csv and --svg cannot be combined');
  // The last of two values won, silently (the tester's `--x outputScale=1e-3:1e3 … --x outputScale=1:2` drew [1, 2]).
  assert.equal(usage(phase, ['f', '--x', 'outputScale=1e-3:1e3', '--y', 'b', '--x=outputScale=1:2']), '--x is given twice (`outputScale=1e-3:1e3`, then `outputScale=1:2`): give it once');
  assert.match(usage(solve, [`--${'z'.repeat(10_000)}`]), /^unknown option `--z{46}… \(10002 characters\)` for `flab solve`$/);
});

test('usage lines and help come from the table', async () => {
  assert.equal(usageLine(phase), 'flab phase FILE --x KEY=FROM:TO --y KEY=FROM:TO [--size N|NxM] [--linear] [--descent] [--json | --csv | --svg OUT]');
  assert.equal(usageLine(solve), 'flab solve FILE [--json | --csv | --summary]');
  const all = overallHelp();
  for (const c of COMMANDS) assert.ok(all.includes(usageLine(c).slice(5)), c.name);
  for (const c of COMMANDS) {
    const help = commandHelp(c);
    assert.ok(help.startsWith(`usage: ${usageLine(c)}\n`), c.name);
    for (const o of c.options) assert.ok(help.includes(`  ${o.flag}`) && help.includes(o.help), `${c.name} ${o.flag}`);
  }
});

test('flab train --help names every --json key and --csv column family, the bridge\'s exactFlow too', () => {
  // exactFlow (printed for the bridge, the last --csv columns) was missing until 2026-12-03.
  const train = COMMANDS.find((c) => c.name === 'train')!;
  const help = commandHelp(train);
  for (const key of [...TRAIN_COLUMNS, 'layers[]', 'alignment[]', 'zetaTop', 'network', 'data', 'checkpoints', 'summary', 'exactFlow', 'norms[]', 'exactFlow.zeta', 'exactFlow.loss', 'exactFlow.norms[0]']) {
    assert.ok(help.includes(key), `flab train --help lacks ${key}`);
  }
});

test('help exits 0 on stdout, overall and per command; bad usage exits 2 with the command\'s usage', async () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const r = await runCli(argv);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, overallHelp() + '\n', ''], argv.join(' '));
  }
  for (const argv of [['phase', '--help'], ['phase', 'f', '-h'], ['help', 'phase'], ['phase', '--x', 'bad', '--help']]) {
    const r = await runCli(argv);
    assert.deepEqual([r.code, r.stdout], [0, commandHelp(phase) + '\n'], argv.join(' '));
  }
  const bad = await runCli(['solve', 'f', '--xml']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'flab: unknown option `--xml` for `flab solve`\nusage: flab solve FILE [--json | --csv | --summary]\n`flab solve --help` lists its options\n');
  const typo = await runCli(['slove', 'f']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^flab: unknown command `slove` — did you mean `solve`\?\nusage: flab <command>/);
  assert.equal((await runCli(['help', 'nope'])).code, 2);
  assert.equal((await runCli([])).code, 2);
});
