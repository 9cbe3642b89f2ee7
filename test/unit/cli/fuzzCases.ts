/**
 * The cases of the CLI fuzz test (fuzz.test.ts): the examples/ files mutated structurally — numbers
 * to extremes, types swapped, keys removed, duplicated and renamed, arrays resized, values nested
 * deep — then as text (byte-order mark, comments, odd unicode, truncation), each with a command and
 * flags, some of them hostile. Everything is drawn from one seeded generator, so a seed and a case
 * number give the same file and arguments on every machine.
 */
import { parse } from 'jsonc-parser';
import { Rng } from '../../../src/core/math/rng';

/** One invocation: `flab ...argv` where FILE is `file`, whose text is `text`. */
export interface FuzzCase {
  id: number;
  argv: string[];
  file: string;
  text: string;
  /** What was done to the example, in order. */
  mutations: string[];
}

/** A JSON value whose objects keep their entries in order (so keys can repeat) and whose numbers may be raw text. */
type Value = number | string | boolean | null | Raw | Value[] | Obj;
class Raw {
  constructor(readonly text: string) {}
}
class Obj {
  constructor(public entries: [string, Value][]) {}
}

/** Numbers at the edges of what a 64-bit float and the format allow, as written in a file. */
const EXTREMES = [
  '0', '-0', '5e-324', '-5e-324', '2.2250738585072014e-308', '1e-308', '1e-300', '1e-160', '1e-100', '1e-12',
  '1e12', '1e100', '1e160', '1e300', '1e308', '1.7976931348623157e308', '-1e308', '1e309', '-1e309', '1e99999',
  '-1', '-1e-300', '-1e300', '9007199254740993', '99999999999999999999', '1e21', '4294967296', '-2147483649',
  '0.5', '2', '3', '10000000', '10000001', '1000000', '0.1e1', '1E3', '1.0', '-0.0',
];
/** Values of other types, for a type swap. */
const OTHER_TYPES = ['"1"', '""', 'true', 'false', 'null', '[]', '{}', '[1]', '[[1]]', '{"a": 1}', '"linear"', '[null]'];
/** Key names that break code which treats a JSON object as a dictionary, or look like a real key. */
const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '', ' ', 'width\u200b', 'w\u0456dth',
  'Width', 'WIDTH', 'outputScale ', 'sweep', 'model', 'x', 'u', '\u0000', '\ud800', 'a.b', 'data.x[0]', '$schema', 'k'.repeat(70_000),
];
/** Odd strings: lone surrogates, control characters, right-to-left marks, non-BMP characters, a long one. */
const ODD_STRINGS = ['\ud800', '\udfff', '\u0000', '\u202e', '\u2028', '😀', 'é', '\\', '"', 'linear\u0000', 'relu ', 'RELU', 's'.repeat(50_000)];
/** The numeric keys of the format, and some that are not, for sweeps and phase axes. */
const KEYS = [
  'model.width', 'width', 'outputScale', 'model.outputScale', 'data.y', 'y', 'init.scaleU', 'scaleU', 'scaleW', 'init.seed', 'seed',
  'learningRates.u', 'learningRates.W', 'u', 'W', 'time.end', 'time.points', 'points', 'time.start', 'weightDecay', 'data.x[0]',
  'data.x[99]', 'data.samples[0].y', 'frob', 'classify.zetaChange', 'sweep', '__proto__', 'constructor', 'model', '',
];
const WIDTH_SPECS = ['1:8', '4:64', '2:32:4', '3,5,7', '16', '1:1', '8:4', '0:4', '1:2:1000000000', '1:99999999999999999999', '1:100000', '5:5:2', '1,1,1', '', 'a:b', '4:8:1'];
const SEED_SPECS = ['1', '2', '3', '0', '1001', '-1', '1e2', 'x', ''];
const JUNK_ARGUMENTS = ['--xml', '--size', '--json=1', '-', '--', 'extra.flab.json', '-h', '--reference', '--x=', '--svg', '--seeds=1', '—json', '--JSON'];
const SIZES = ['1', '2', '3', '5', '8', '4x2', '1x9', '0', '2000', '99999999999999999999', '3x', 'x3', '1e3', '-2', '4x0'];

export function toValue(v: unknown): Value {
  if (Array.isArray(v)) return v.map(toValue);
  if (v !== null && typeof v === 'object') return new Obj(Object.entries(v).map(([k, x]) => [k, toValue(x)]));
  return v as Value;
}

/** JSON text of a Value; with `rng`, random white space and comments between tokens. */
export function serialise(v: Value, rng?: Rng): string {
  const gap = (): string => {
    if (!rng) return ' ';
    const r = rng.uniform();
    if (r < 0.9) return ' ';
    if (r < 0.94) return '\n  ';
    if (r < 0.97) return ' /* a comment, with } and ] */ ';
    if (r < 0.99) return ' // a line comment {\n';
    return '\u00a0';
  };
  const write = (x: Value): string => {
    if (x instanceof Raw) return x.text;
    if (x instanceof Obj) return `{${x.entries.map(([k, y]) => `${gap()}${JSON.stringify(k)}:${gap()}${write(y)}`).join(',')}${gap()}}`;
    if (Array.isArray(x)) return `[${x.map((y) => gap() + write(y)).join(',')}${gap()}]`;
    return JSON.stringify(x);
  };
  return write(v);
}

/** Every position in the tree: its parent container and the index (array) or entry index (object). */
interface Slot {
  get(): Value;
  set(v: Value): void;
  path: string;
}

function slots(root: Value): Slot[] {
  const out: Slot[] = [];
  const walk = (v: Value, path: string): void => {
    if (v instanceof Obj) {
      v.entries.forEach((entry, i) => {
        const p = `${path}.${entry[0]}`;
        out.push({ get: () => v.entries[i][1], set: (x) => (v.entries[i][1] = x), path: p });
        walk(entry[1], p);
      });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        const p = `${path}[${i}]`;
        out.push({ get: () => v[i], set: (y) => (v[i] = y), path: p });
        walk(x, p);
      });
    }
  };
  walk(root, '');
  return out;
}

function containers(root: Value, kind: 'object' | 'array'): { value: Obj | Value[]; path: string }[] {
  const out: { value: Obj | Value[]; path: string }[] = [];
  const walk = (v: Value, path: string): void => {
    if (v instanceof Obj) {
      if (kind === 'object') out.push({ value: v, path: path || '(root)' });
      for (const [k, x] of v.entries) walk(x, `${path}.${k}`);
    } else if (Array.isArray(v)) {
      if (kind === 'array') out.push({ value: v, path });
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    }
  };
  walk(root, '');
  return out;
}

/** The generator of one fuzz campaign. */
export class CaseGenerator {
  private readonly rng: Rng;
  private readonly examples: { name: string; value: unknown }[];

  constructor(
    readonly seed: number,
    exampleTexts: { name: string; text: string }[],
  ) {
    this.rng = new Rng(seed);
    this.examples = exampleTexts.map((e) => ({ name: e.name, value: parse(e.text, [], { allowTrailingComma: true }) }));
  }

  private int(n: number): number {
    return Math.min(n - 1, Math.floor(this.rng.uniform() * n));
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private chance(p: number): boolean {
    return this.rng.uniform() < p;
  }

  /** Case number `id` of this campaign (cases must be drawn in order: the generator is one stream). */
  next(id: number): FuzzCase {
    const example = this.pick(this.examples);
    const root = toValue(example.value);
    const mutations = [`from examples/${example.name}`];
    // Half the cases change only numbers, by factors a valid file may hold, so that many still run.
    if (this.chance(0.5)) {
      const count = 1 + this.int(2);
      for (let k = 0; k < count; k++) mutations.push(this.rescale(root));
    } else {
      const count = 1 + this.int(3);
      for (let k = 0; k < count; k++) mutations.push(this.mutate(root));
    }
    let text = serialise(root, this.chance(0.3) ? this.rng : undefined);
    if (this.chance(0.12)) text = this.mutateText(text, mutations);
    const file = `case-${id}.flab.json`;
    const argv = this.command(file);
    if (this.chance(0.05)) {
      const junk = this.pick(JUNK_ARGUMENTS);
      argv.splice(1 + this.int(argv.length), 0, junk);
      mutations.push(`argument ${JSON.stringify(junk)}`);
    }
    return { id, argv, file, text, mutations };
  }

  /** One number multiplied by a power of ten (up to 10^±12, or to an extreme of its sign), described. */
  private rescale(root: Value): string {
    const numbers = slots(root).filter((s) => typeof s.get() === 'number');
    if (numbers.length === 0) return '(no number to rescale)';
    const s = this.pick(numbers);
    const old = s.get() as number;
    const factor = this.chance(0.8) ? 10 ** (this.int(25) - 12) : this.pick([1e-300, 1e-150, 1e150, 1e300, 0, -1]);
    const v = old * factor;
    s.set(Number.isFinite(v) ? v : old);
    return `${s.path} = ${JSON.stringify(s.get())}`;
  }

  /** One structural mutation of the tree, described. */
  private mutate(root: Value): string {
    const all = slots(root);
    const r = this.int(100);
    if (r < 30) {
      const numbers = all.filter((s) => typeof s.get() === 'number' || s.get() instanceof Raw);
      const s = numbers.length ? this.pick(numbers) : this.pick(all);
      const old = s.get();
      const scaled = (typeof old === 'number' ? old : Number((old as Raw).text)) * 10 ** (this.int(601) - 300);
      const raw = this.chance(0.8) || !Number.isFinite(scaled) ? this.pick(EXTREMES) : String(scaled);
      s.set(new Raw(raw));
      return `${s.path} = ${raw}`;
    }
    if (r < 40) {
      const s = this.pick(all);
      const t = this.pick(OTHER_TYPES);
      s.set(toValue(JSON.parse(t)));
      return `${s.path} = ${t}`;
    }
    if (r < 50) {
      const o = this.pick(containers(root, 'object'));
      const obj = o.value as Obj;
      if (obj.entries.length === 0) return `(${o.path} has no key to remove)`;
      const [key] = obj.entries.splice(this.int(obj.entries.length), 1)[0];
      return `removed ${o.path}.${key}`;
    }
    if (r < 56) {
      const o = this.pick(containers(root, 'object'));
      const obj = o.value as Obj;
      if (obj.entries.length === 0) return `(${o.path} has no key to duplicate)`;
      const [key, value] = this.pick(obj.entries);
      obj.entries.push([key, this.chance(0.5) ? value : new Raw(this.pick(EXTREMES))]);
      return `duplicated ${o.path}.${key}`;
    }
    if (r < 66) {
      const o = this.pick(containers(root, 'object'));
      const obj = o.value as Obj;
      if (obj.entries.length === 0) return `(${o.path} has no key to rename)`;
      const entry = this.pick(obj.entries);
      const old = entry[0];
      entry[0] = this.chance(0.6) ? this.pick(HOSTILE_KEYS) : typo(old, this.rng);
      return `renamed ${o.path}.${old} to ${JSON.stringify(entry[0].length > 40 ? `${entry[0].slice(0, 20)}…(${entry[0].length})` : entry[0])}`;
    }
    if (r < 74) {
      const arrays = containers(root, 'array');
      if (arrays.length === 0) return '(no array to resize)';
      const a = this.pick(arrays);
      const arr = a.value as Value[];
      const n = this.pick([0, 1, 2, arr.length * 2, 3, 100, 10_000, Math.max(0, arr.length - 1)]);
      const filler = arr.length ? arr : [new Raw(this.pick(EXTREMES))];
      const resized = Array.from({ length: n }, (_, i) => filler[i % filler.length]);
      arr.splice(0, arr.length, ...resized);
      return `resized ${a.path} to ${n}`;
    }
    if (r < 80) {
      const s = this.pick(all);
      const depth = this.pick([2, 10, 63, 64, 65, 1000, 100_000]);
      const asObject = this.chance(0.3);
      let v = s.get();
      if (depth > 2000) {
        s.set(new Raw(`${(asObject ? '{"a":' : '[').repeat(depth)}1${(asObject ? '}' : ']').repeat(depth)}`));
      } else {
        for (let k = 0; k < depth; k++) v = asObject ? new Obj([['a', v]]) : [v];
        s.set(v);
      }
      return `nested ${s.path} ${depth} deep in ${asObject ? 'objects' : 'arrays'}`;
    }
    if (r < 90) return this.addKey(root);
    if (r < 95) {
      const strings = all.filter((s) => typeof s.get() === 'string');
      if (strings.length === 0) return '(no string to change)';
      const s = this.pick(strings);
      const odd = this.pick(ODD_STRINGS);
      s.set(this.chance(0.5) ? odd : `${s.get() as string}${odd}`);
      return `${s.path} = odd string`;
    }
    // Crossover: a top-level key of another example.
    const other = toValue(this.pick(this.examples).value) as Obj;
    const [key, value] = this.pick(other.entries);
    const obj = root as Obj;
    const at = obj.entries.findIndex(([k]) => k === key);
    if (at >= 0) obj.entries[at][1] = value;
    else obj.entries.push([key, value]);
    return `${key} from another example`;
  }

  /** A key the format knows, possibly in the wrong place or with a hostile value. */
  private addKey(root: Value): string {
    const obj = root as Obj;
    const set = (key: string, value: Value): void => {
      const at = obj.entries.findIndex(([k]) => k === key);
      if (at >= 0) obj.entries[at][1] = value;
      else obj.entries.push([key, value]);
    };
    const n = (): Raw => new Raw(this.chance(0.5) ? this.pick(EXTREMES) : this.pick(['0.01', '0.1', '1', '10', '100', '5', '64']));
    switch (this.int(8)) {
      case 0: {
        const key = this.pick(KEYS);
        const spec: Value = this.chance(0.5)
          ? new Obj([['from', n()], ['to', n()], ['count', new Raw(this.pick(['1', '2', '3', '5', '1000', '1001', '0', '2.5']))], ...(this.chance(0.5) ? [['scale', this.pick(['log', 'linear', 'cubic'])] as [string, Value]] : [])])
          : Array.from({ length: this.pick([0, 1, 2, 3, 1001]) }, n);
        set('sweep', new Obj([[key, spec]]));
        return `sweep over ${key}`;
      }
      case 1:
        set('weightDecay', n());
        return 'weightDecay';
      case 2:
        set('classify', new Obj([[this.pick(['kernelChange', 'zetaChange', 'balanceChange', 'tangentChange', 'frob']), n()]]));
        return 'classify';
      case 3:
        set('parameterisation', this.pick(['standard', 'ntk', 'meanField', 'muP', 'mup', '']));
        return 'parameterisation';
      case 4: {
        const path = this.pick(['outputScale', 'scaleU', 'scaleW', 'u', 'W']);
        const power = new Obj([['widthExponent', this.chance(0.5) ? new Raw(this.pick(['-4', '-1', '-0.5', '0', '1', '4', '5'])) : n()], ['base', n()]]);
        const parent = path === 'outputScale' ? 'model' : path.startsWith('scale') ? 'init' : 'learningRates';
        const p = obj.entries.find(([k]) => k === parent)?.[1];
        if (p instanceof Obj) {
          const at = p.entries.findIndex(([k]) => k === path);
          if (at >= 0) p.entries[at][1] = power;
          else p.entries.push([path, power]);
        }
        return `${parent}.${path} as a width power`;
      }
      case 5: {
        const time = this.chance(0.5)
          ? new Obj([['end', n()], ['points', new Raw(this.pick(['2', '3', '11', '400', '1000000', '1000001', '1']))], ['spacing', this.pick(['linear', 'log', 'cubic'])], ...(this.chance(0.3) ? [['start', n()] as [string, Value]] : [])])
          : new Obj([['at', Array.from({ length: this.pick([0, 1, 3, 10]) }, n)]]);
        set('time', time);
        return 'time';
      }
      case 6:
        set('compare', new Obj([['simulate', this.chance(0.7) ? true : new Raw(this.pick(EXTREMES))]]));
        return 'compare.simulate';
      default: {
        const samples = Array.from({ length: this.pick([1, 2, 5, 0]) }, () => new Obj([['x', [n(), this.chance(0.5) ? n() : new Raw('0')]], ['y', n()]]));
        set('data', new Obj([['samples', samples]]));
        return 'data as samples';
      }
    }
  }

  /** A text-level mutation: what a structural one cannot make. */
  private mutateText(text: string, mutations: string[]): string {
    switch (this.int(7)) {
      case 0:
        mutations.push('byte-order mark');
        return '\uFEFF' + text;
      case 1: {
        const at = this.int(text.length + 1);
        mutations.push(`truncated at ${at}`);
        return text.slice(0, at);
      }
      case 2: {
        const at = this.int(text.length);
        const ch = this.pick(['{', '}', '[', ']', '"', ',', ':', '/', '*', '\\', '\u0000', '\ud800', 'e', '-', '\u2028', '\uFEFF']);
        mutations.push(`character ${at} → ${JSON.stringify(ch)}`);
        return text.slice(0, at) + ch + text.slice(at + 1);
      }
      case 3:
        mutations.push('CRLF line ends');
        return text.replace(/\n/g, '\r\n');
      case 4:
        mutations.push('unterminated block comment');
        return text + ' /* never closed';
      case 5:
        mutations.push('trailing commas');
        return text.replace(/([\]}])/g, ',$1');
      default:
        mutations.push('a second top-level value');
        return text + '\n{}';
    }
  }

  /** `flab COMMAND FILE FLAGS…`: mostly well-formed, sometimes hostile flags. */
  private command(file: string): string[] {
    const format = (options: string[]): string[] => (this.chance(0.5) ? [] : [this.pick(options)]);
    switch (this.pick(['solve', 'solve', 'solve', 'simulate', 'simulate', 'sweep', 'phase', 'phase', 'scaling'])) {
      case 'solve':
        return ['solve', file, ...format(['--json', '--csv', '--summary'])];
      case 'simulate':
        return ['simulate', file, ...(this.chance(0.2) ? ['--reference'] : []), ...format(['--json', '--csv', '--summary'])];
      case 'sweep':
        return ['sweep', file, ...format(['--json', '--csv', '--summary'])];
      case 'phase': {
        const axis = (): string => (this.chance(0.9) ? `${this.pick(KEYS)}=${this.pick(EXTREMES)}:${this.pick(EXTREMES)}` : this.pick(['outputScale', 'a=b:c', '=1:2', 'seed=1:2:3', 'outputScale=1e-3:1e3']));
        const good = (): string => this.pick(['outputScale=1e-3:1e3', 'learningRates.W=1e-3:1e3', 'init.scaleU=1e-4:1', 'scaleW=1e-3:10', 'data.y=-2:2', 'width=1:256', 'seed=0:7']);
        const size = this.chance(0.85) ? this.pick(SIZES.slice(0, 7)) : this.pick(SIZES);
        const linear = this.chance(0.3) ? ['--linear'] : [];
        // Gradient descent on small grids only: a cell may run up to 10⁷ steps (the per-case time limit is 10 s).
        const descent = this.chance(0.3);
        return ['phase', file, '--x', this.chance(0.6) ? good() : axis(), '--y', this.chance(0.6) ? good() : axis(), '--size', descent ? this.pick(SIZES.slice(0, 3)) : size, ...linear, ...(descent ? ['--descent'] : []), ...format(['--json', '--csv'])];
      }
      default: {
        const widths = this.chance(0.7) ? this.pick(WIDTH_SPECS.slice(0, 5)) : this.pick(WIDTH_SPECS);
        const seeds = this.chance(0.7) ? this.pick(SEED_SPECS.slice(0, 3)) : this.pick(SEED_SPECS);
        return ['scaling', file, '--widths', widths, '--seeds', seeds, ...format(['--json', '--csv'])];
      }
    }
  }
}

/** A plausible misspelling of `key`: two letters swapped, one dropped, or its case changed. */
function typo(key: string, rng: Rng): string {
  if (key.length < 2) return key + 'x';
  const i = Math.min(key.length - 2, Math.floor(rng.uniform() * (key.length - 1)));
  const r = rng.uniform();
  if (r < 0.4) return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
  if (r < 0.7) return key.slice(0, i) + key.slice(i + 1);
  return key.toUpperCase();
}
