/**
 * The one argument parser of `flab`: an invocation's arguments against a command's table of
 * options (src/cli/command.ts). Options may come before, between or after the operands; a valued
 * option takes the next argument or `--flag=value`; `--` ends the options; `-` is an operand
 * (standard input); a valued option may be given once. Every problem is a UsageError naming the argument.
 */
import { excerpt } from '../core/experiment/diagnostic';
import { Command, OptionSpec, ParsedArgs, UsageError } from './command';

/** Parses `argv` (the arguments after the command's name) for `command`; `all` names the flags of the other commands. */
export function parseArgs(command: Command, argv: readonly string[], all: readonly Command[]): ParsedArgs {
  const operands: string[] = [];
  const given = new Map<string, string | true>();
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      if (operands.length >= command.operands.length) {
        throw new UsageError(`unexpected argument \`${excerpt(arg)}\`: one experiment file at a time`);
      }
      operands.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = command.options.find((o) => o.flag === flag);
    if (!spec) throw new UsageError(unknownOption(command, flag, all));
    let value: string | true = true;
    if (spec.value !== undefined) {
      const next = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value: ${flag} ${spec.value}`);
      value = next;
    } else if (eq > 0) {
      throw new UsageError(`${flag} takes no value, got \`${excerpt(arg)}\``);
    }
    // A valued option given twice would silently take its last value (`--x a=1:2 … --x a=3:4`).
    const earlier = given.get(flag);
    if (typeof earlier === 'string') throw new UsageError(`${flag} is given twice (\`${excerpt(earlier)}\`, then \`${excerpt(value as string)}\`): give it once`);
    if (spec.group) {
      const other = [...given.keys()].find((f) => f !== flag && command.options.find((o) => o.flag === f)?.group === spec.group);
      if (other) throw new UsageError(`${other} and ${flag} cannot be combined`);
    }
    given.set(flag, value);
  }
  if (operands.length < command.operands.length) {
    const missing = command.operands[operands.length];
    throw new UsageError(`missing ${missing === 'FILE' ? 'experiment file' : missing}: flab ${command.name} ${command.operands.join(' ')}`);
  }
  // An empty operand (`flab solve ''`, an unset shell variable in quotes) names no file: a usage error, not "…: cannot read".
  const empty = operands.findIndex((o) => o === '');
  if (empty >= 0 && empty < command.operands.length) {
    const what = command.operands[empty];
    throw new UsageError(`the ${what === 'FILE' ? 'experiment file' : what} is an empty name: give a path${what === 'FILE' ? ', or - for standard input' : ''}`);
  }
  for (const o of command.options) {
    if (o.required && !given.has(o.flag)) throw new UsageError(`flab ${command.name} needs ${o.flag} ${o.value ?? ''}`.trimEnd());
  }
  return {
    operands,
    has: (flag) => given.has(flag),
    value: (flag) => {
      const v = given.get(flag);
      return typeof v === 'string' ? v : undefined;
    },
    choice: (group, fallback) => {
      const flag = [...given.keys()].find((f) => command.options.find((o) => o.flag === f)?.group === group);
      return flag ? flag.slice(2) : fallback;
    },
  };
}

/** `unknown option`, or which commands the option belongs to. */
function unknownOption(command: Command, flag: string, all: readonly Command[]): string {
  const owners = all.filter((c) => c !== command && c.options.some((o) => o.flag === flag)).map((c) => `\`flab ${c.name}\``);
  if (owners.length > 0) return `${flag} applies to ${owners.join(' and ')} only`;
  return `unknown option \`${excerpt(flag)}\` for \`flab ${command.name}\``;
}

/**
 * The usage line of a command, from its table: operands, then each option (a group as one
 * bracket of alternatives at its first member), optional ones in brackets.
 */
export function usageLine(command: Command): string {
  const parts = [`flab ${command.name}`, ...command.operands];
  const groups = new Set<string>();
  for (const o of command.options) {
    if (o.group) {
      if (groups.has(o.group)) continue;
      groups.add(o.group);
      parts.push(`[${command.options.filter((m) => m.group === o.group).map(optionText).join(' | ')}]`);
    } else {
      parts.push(o.required ? optionText(o) : `[${optionText(o)}]`);
    }
  }
  return parts.join(' ');
}

function optionText(o: OptionSpec): string {
  return o.value === undefined ? o.flag : `${o.flag} ${o.value}`;
}
