/**
 * What file names say (docs/checkpoints.md, "Steps and order"): the natural order of names
 * (`step2` before `step10`) and the training step of a checkpoint taken from its name.
 */
import { basename, dirname } from 'node:path';
import { excerpt } from '../experiment/diagnostic';

const DIGITS = /^\d/;

/**
 * Natural order: runs of digits compare as numbers (`fc2` < `fc10`, leading zeros ignored, then the
 * shorter run first), everything else by UTF-16 code unit, as `<` does.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (DIGITS.test(x) && DIGITS.test(y)) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Where a step read from a path came from: a step token (`step=300`), an epoch token (`epoch=2`, nothing better), or the number the name ends in. */
export type NamedStepKind = 'step' | 'epoch' | 'number';

/** A step read from a checkpoint's path (`stepOfPath`). */
export interface NamedStep {
  step: number;
  /** `step`: a step token (`step=300`, `global_step300`, `iter_5000`); `epoch`: an epoch token and nothing better; `number`: the integer the name ends in. */
  kind: NamedStepKind;
  /**
   * Whether the file's own name said it, its folder's (`checkpoint-500/model.safetensors`), or a
   * folder above that when neither said one (`1000/default/model.safetensors`, orbax's layout).
   */
  where: 'name' | 'folder' | 'folder above';
  /**
   * With `where` 'folder above': how many folders above the file's own folder the step's folder is,
   * 1 (its folder's folder: `1000/default/model.safetensors`) to STEP_FOLDER_DEPTH
   * (`1000/state/ocdbt.process_0/d/x.safetensors`: 3); absent otherwise.
   */
  above?: number;
  /** The token as written (`step=300`, `epoch3`, `000100`), for messages. */
  token: string;
}

/** Words that name a training step before its number: `step`, `global_step`, `iter`, `it`, … */
const STEP_WORDS = 'global[-_]?steps?|steps?|iterations?|iters?|it';
/** A step or epoch token: the word (not part of a longer word), an optional `=`, `_` or `-`, the digits — not the start of a decimal (`step=0.5`) or an exponent. */
const TOKEN = new RegExp(`(?<![A-Za-z])(${STEP_WORDS}|epochs?)([-_=]?)(\\d+)(?!\\d|\\.\\d|[eE][-+]?\\d)`, 'gi');
/** A metric `name=value` (`val_loss=0.25`, `acc=91`): never a step, whatever its value. */
const METRIC = /[A-Za-z][A-Za-z0-9_]*=(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?[A-Za-z]+)/g;
/** A number with decimals or an exponent, with the letters it is written after (`acc0.91`, `lr1e-3`, `0.42`): a metric or a hyperparameter, never a step. */
const DECIMAL = /[A-Za-z]*(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)/g;
/** A version (`-v1`, PyTorch Lightning's suffix for a name saved twice; `version_0`, its run folders): never a step. */
const VERSION = /(?<=^|[-_.])(?:v|version[-_]?)\d+(?=$|[-_.])/gi;
/**
 * A shard suffix, `model-00001-of-00002` (Hugging Face's `-{i:05d}-of-{n:05d}`; `-0001-of-0002` of tools
 * that write four digits): shard 1 of 2, never a step. Two runs of digits of the same width, four or
 * more each, not right after a step word (`shardSuffix`); `step_100-of-200` and `step-1000-of-2000` are no shard.
 */
const SHARD = /-(\d{4,})-of-(\d{4,})$/i;

/** A step or epoch word that ends a name's text (`step-1000-of-2000`: step 1000 of 2000, no shard). */
const WORD_BEFORE = new RegExp(`(?<![A-Za-z])(?:${STEP_WORDS}|epochs?)[_=]?$`, 'i');

/** The shard suffix at the end of `name` (SHARD, its two runs of digits of one width, not right after a step word), or null. */
function shardSuffix(name: string): RegExpExecArray | null {
  const m = SHARD.exec(name);
  return m && m[1].length === m[2].length && !WORD_BEFORE.test(name.slice(0, m.index)) ? m : null;
}

/** A whole name that is `checkpoint-500` (`checkpoint_500`): the Hugging Face Trainer's folder of the checkpoint at global step 500, a step token. */
const CHECKPOINT_STEP = /^(checkpoint[-_])(\d+)$/i;
/** A step or epoch word before a minus sign (`step_-5`, `step=-5`, `step--5`): a negative step, refused. */
const NEGATIVE_TOKEN = new RegExp(`(?<![A-Za-z])(${STEP_WORDS}|epochs?)[-_=]-(\\d+)`, 'i');
/** A name that ends in a minus sign and digits after `_` or `.` (`ckpt_-5`): a negative number, refused (`ckpt-5` is 5, its `-` a separator). */
const NEGATIVE_END = /(?:^|[_.])-(\d+)[\s._=-]*$/;

/**
 * A calendar date, with a time of day or not (docs/checkpoints.md, "Steps and order", its dates): a year 1970–2100, a month
 * 01–12 and a day of that month (29 February in a leap year only), written `YYYY-MM-DD`, `YYYY_MM_DD`,
 * `YYYY.MM.DD` or `YYYYMMDD` (one separator throughout), not inside a longer run of digits; then
 * optionally a time after `T`, `_`, `-` or a space: hours and minutes, `HH-MM`, `HH_MM`, `HH:MM`,
 * `HH.MM` or (after `T` only) `HHMM`, then optionally seconds with the same separator (`HH:MM:SS`,
 * `HHMMSS`) and fractions (hours 00–23, minutes 00–59, seconds 00–60), then optionally a zone: `Z`, or
 * `±HH:MM`, `±HHMM`, `±HH` after a time written with `T` or `:` — ISO 8601 as a file name can hold
 * it (`2024-05-01T12-30-00`, `20240501_123000`, `2024-05-01T10:50`, `2024-05-01T10:00:00+02:00`); or,
 * after a compact `YYYYMMDD` only, hours, minutes and seconds with nothing between (COMPACT_TIME,
 * `compactTimeOk`: `2024051713`, `202405171330`, `20240517133000`).
 * Or an hour alone after `_` or `T` (HOUR_ONLY: `20240517_13`, `2024-05-17T13`).
 * Named groups: year, sep, month, day, hlead, hh, time, lead, hour, tsep, minute, second, zone, compact, chour, cminute, csecond.
 */
/**
 * A time of day after a date, optional (DATE's, and the dates written with the year last or a month's
 * name): `T`, `_`, `-` or a space, hours and minutes, `HH-MM`, `HH_MM`, `HH:MM`, `HH.MM` or `HHMM`,
 * optionally seconds with the same separator and fractions, optionally a zone (`datePart` says how
 * much of it is a time). Named groups: time, lead, hour, tsep, minute, second, zone.
 */
const TIME = String.raw`(?<time>(?<lead>[Tt_ -])(?<hour>\d\d)(?<tsep>[-_:.]?)(?<minute>\d\d)(?:\k<tsep>(?<second>\d\d)(?:[.,]\d+)?)?(?<zone>Z|[+-]\d\d(?::?\d\d)?)?)?`;
/**
 * A time of day written right after a compact date's day, with no separator (strftime's `%Y%m%d%H`,
 * `%Y%m%d%H%M`, `%Y%m%d%H%M%S`: `2024051713`, `202405171330`, `20240517133000`): hours, then
 * optionally minutes, then optionally seconds. Named groups: chour, cminute, csecond.
 */
const COMPACT_TIME = String.raw`(?<compact>(?<chour>\d\d)(?:(?<cminute>\d\d)(?<csecond>\d\d)?)?)`;
/**
 * An hour alone after a date, `_HH` or `THH` (strftime's `%Y%m%d_%H`: `20240517_13`; ISO 8601's reduced
 * `2024-05-17T13`): two digits, then no more digits (after a separator or not: `_12_30` is TIME's).
 * An hour 00–23 (`datePart`). Named groups: hlead, hh.
 */
const HOUR_ONLY = String.raw`(?<hlead>[Tt_])(?<hh>\d\d)(?![-_:.]?\d)`;
const DATE = new RegExp(String.raw`(?<!\d)(?<year>19[7-9]\d|20\d\d|2100)(?<sep>[-_.]?)(?<month>\d\d)\k<sep>(?<day>\d\d)(?:${HOUR_ONLY}|${TIME}|${COMPACT_TIME})(?!\d)`, 'g');

/** Whether `year`, `month`, `day` (digits) is a day of the calendar. */
function isDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

/** The groups DATE matched. */
interface DateGroups {
  year: string;
  sep: string;
  month: string;
  day: string;
  hlead?: string;
  hh?: string;
  time?: string;
  lead?: string;
  hour?: string;
  tsep?: string;
  minute?: string;
  second?: string;
  zone?: string;
  compact?: string;
  chour?: string;
  cminute?: string;
  csecond?: string;
}

/**
 * Whether a DATE match's time written right after the day (COMPACT_TIME) is a time of day of a compact
 * date: the date written without separators (`2024051713`; `2024-05-0113` is none) and hours 00–23,
 * minutes 00–59, seconds 00–60. True when there is no such time.
 */
function compactTimeOk(g: DateGroups): boolean {
  if (g.compact === undefined) return true;
  return g.sep === '' && Number(g.chour) <= 23 && (g.cminute === undefined || Number(g.cminute) <= 59) && (g.csecond === undefined || Number(g.csecond) <= 60);
}

/**
 * How much of a DATE match is a date: the whole text, or the date without its time (an hour alone past
 * 23, `20240517_25`, which ends in the number 25; a time that is no
 * time of day, or `HHMM` without seconds after `_`, `-` or a space: `run_2024-05-01_1000` ends in the
 * number 1000), or without its zone (a sign and digits after a time written neither with `T` nor `:`).
 */
function datePart(text: string, g: DateGroups): string {
  if (g.hh !== undefined) return Number(g.hh) <= 23 ? text : text.slice(0, text.length - 1 - g.hh.length);
  if (g.time === undefined) return text;
  const iso = g.lead === 'T' || g.lead === 't' || g.tsep === ':';
  const timeOk = Number(g.hour) <= 23 && Number(g.minute) <= 59 && (g.second === undefined ? g.tsep !== '' || iso : Number(g.second) <= 60);
  if (!timeOk) return text.slice(0, text.length - g.time.length);
  if (g.zone === undefined || g.zone === 'Z') return text;
  const digits = g.zone.slice(1).replace(':', '');
  const zoneOk = iso && Number(digits.slice(0, 2)) <= 14 && Number(digits.slice(2) || '0') <= 59;
  return zoneOk ? text : text.slice(0, text.length - g.zone.length);
}

/**
 * A date written short (docs/checkpoints.md, "Steps and order", its dates), never a step: the year first
 * with a separator and a month or day of one digit (`2024-5-1`, Python's `f"{y}-{m}-{d}"`); an ISO week
 * (`2024-W18`, `2024W18`, `2024-W18-3`); a two-digit year with a separator, three runs of two digits
 * that are a day of the calendar as day-month-year, month-day-year or year-month-day (`01.05.24`,
 * `24-05-01`); a year and a month of two digits with a separator, either first (`2024_05`, `2024-05`,
 * `05-2024`), or of one digit after the year (`2024_5`). Each group: first, separator, second, third, or year and week.
 */
const SHORT_DATES: { pattern: RegExp; isDate: (...parts: string[]) => boolean }[] = [
  { pattern: /(?<!\d)(19[7-9]\d|20\d\d|2100)([-_.])(\d{1,2})\2(\d{1,2})(?!\d)/g, isDate: (year, _sep, month, day) => isDate(year, month, day) },
  { pattern: /(?<!\d)(19[7-9]\d|20\d\d|2100)-?[Ww](0[1-9]|[1-4]\d|5[0-3])(?:-?[1-7])?(?![\dA-Za-z])/g, isDate: () => true },
  {
    pattern: /(?<!\d)(\d\d)([-_.])(\d\d)\2(\d\d)(?!\d)/g,
    isDate: (a, _sep, b, c) => isDate(`20${c}`, b, a) || isDate(`20${c}`, a, b) || isDate(`20${a}`, b, c),
  },
  // A year and a month, `YYYY-MM` (ISO 8601's month), `YYYY_MM`, `YYYY.MM`, or the month first, `MM-YYYY`: the month of two digits, no digits after it (`2024_05_99`, no day 99, is none).
  { pattern: /(?<!\d)(19[7-9]\d|20\d\d|2100)([-_.])(0[1-9]|1[0-2])(?![-_.]?\d)/g, isDate: () => true },
  { pattern: /(?<!\d)(0[1-9]|1[0-2])([-_.])(19[7-9]\d|20\d\d|2100)(?![-_.]?\d)/g, isDate: () => true },
  // The month of one digit, the year first (`2024_5`, Python's `f"{y}_{m}"`), as `2024_05` is; not the month first (`5_2000`: a 5 and step 2000).
  { pattern: /(?<!\d)(19[7-9]\d|20\d\d|2100)([-_.])([1-9])(?![-_.]?\d)/g, isDate: () => true },
];

/**
 * Digits followed by the word `steps` or `step` (`_`, `-` or nothing between), not part of a longer word
 * nor after a decimal point: Stable-Baselines3's `rl_model_1000_steps`, a step token whose word comes
 * after. Groups: the digits, the word.
 */
const STEPS_AFTER = /(?<![\d.])(\d+)[-_]?(steps?)(?![A-Za-z])/gi;
/** The word `steps` right after a compact date's digits (`rl_model_20240501_steps`): those digits are that step token's. */
const STEP_WORD_AFTER = /^[-_]?steps?(?![A-Za-z])/i;

/** A step word right before a compact date's digits (`step_20240501`): those digits are a step token's, as written. */
const STEP_WORD_BEFORE = new RegExp(`(?<![A-Za-z])(?:${STEP_WORDS})[-_=]?$`, 'i');
/** A step or epoch word right before digits (`step_2000-1-5`, `epoch_01may2024`): the digits are that token's. */
function afterTokenWord(before: string): boolean {
  return STEP_WORD_BEFORE.test(before) || /(?<![A-Za-z])epochs?[-_=]?$/i.test(before);
}

/** A year 1970–2100, four digits, as DATE reads one. */
const YEAR = String.raw`(?:19[7-9]\d|20\d\d|2100)`;
/**
 * A date written with the year last and a separator (`01-05-2024`, `31.12.2023`): day and month, or
 * month and day, then a year 1970–2100, then optionally a time of day as after DATE
 * (`01-05-2024_12-30-00`, strftime's `%d-%m-%Y_%H-%M-%S`). Named groups: a, sep, b, year, and TIME's.
 */
const DATE_YEAR_LAST = new RegExp(String.raw`(?<!\d)(?<a>\d\d)(?<sep>[-_.])(?<b>\d\d)\k<sep>(?<year>${YEAR})${TIME}(?!\d)`, 'g');

/** The English names of the months, in order, by their first three letters. */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** A month's English name, whole or its first three letters (`Sept` too), any case, not inside a longer word: group `mon`. */
const MONTH = String.raw`(?<![A-Za-z])(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![A-Za-z])`;
/** A month's whole English name (`may`, `december`), any case, not inside a longer word: group `mon`. */
const FULL_MONTH = String.raw`(?<![A-Za-z])(?<mon>january|february|march|april|may|june|july|august|september|october|november|december)(?![A-Za-z])`;
/** Between the parts of a date written with a month's name: `-`, `_`, `.`, a space, or nothing. */
const MS = '[-_. ]?';
/**
 * Dates written with a month's name (`%b`, `%B` of strftime), never a step: the year first
 * (`2024-May-01`, `2024may01`), the day first, not after a letter (`01-May-2024`, `01May2024`,
 * `01may24`: a year of four digits or two; `enc1_dec_2000` is none), the month first (`may01_2024`,
 * `May-1-2024`; a two-digit year after a separator only, `may01_24`), each optionally with a time of
 * day as after DATE; a month's whole name and a year alone (`may2024`, `2024_December`; not `dec_2000`,
 * a decoder's at step 2000, nor with a day beside them, `30-Feb-2024`, which is no date). A month's name and a day without a year (`may01`, `dec1`: a decoder's
 * number?) is not one. Named groups: mon, day, year or yy (a two-digit year), and TIME's.
 */
const MONTH_DATES: RegExp[] = [
  String.raw`(?<!\d)(?<year>${YEAR})${MS}${MONTH}${MS}(?<day>\d{1,2})${TIME}(?!\d)`,
  String.raw`(?<![A-Za-z\d])(?<day>\d{1,2})${MS}${MONTH}${MS}(?:(?<year>${YEAR})|(?<yy>\d\d))${TIME}(?!\d)`,
  String.raw`${MONTH}${MS}(?<day>\d{1,2})(?:[-_., ]?(?<year>${YEAR})|[-_., ](?<yy>\d\d))${TIME}(?!\d)`,
  String.raw`(?<!\d${MS})${FULL_MONTH}${MS}(?<year>${YEAR})(?!\d)`,
  String.raw`(?<!\d)(?<year>${YEAR})${MS}${FULL_MONTH}(?!${MS}\d)`,
].map((source) => new RegExp(source, 'gi'));

/**
 * Replaces each match of `pattern` (global, with named groups) in `text` that `isDay` takes for a date
 * by a space and what follows the date in it (`datePart`: a time that is none, a zone that is none),
 * pushing the date as written onto `dates`; with `tokenDigits`, a match that begins with digits right
 * after a step or epoch word is left (`step_01may2024`: its digits are that token's).
 */
function maskEach(text: string, pattern: RegExp, isDay: (g: Record<string, string | undefined>) => boolean, dates: string[], tokenDigits = true): string {
  return text.replace(pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const g = args[args.length - 1] as Record<string, string | undefined>;
    const offset = args[args.length - 3] as number;
    if ((tokenDigits && /^\d/.test(match) && afterTokenWord(text.slice(0, offset))) || !isDay(g)) return match;
    const date = g.time === undefined ? match : datePart(match, g as unknown as DateGroups);
    dates.push(date);
    return ' ' + match.slice(date.length);
  });
}

/**
 * `name` with each date (DATE, a day of the calendar; `datePart` says how much of it) replaced by a
 * space, and the dates as written. A compact `YYYYMMDD` right after a step word (`step_20240501`) is
 * left: a step token says a step. Dates written with a month's name (`01-May-2024`, MONTH_DATES), with
 * the year last (`01-05-2024`, DATE_YEAR_LAST) and short (`2024-5-1`, `2024-W18`, `01.05.24`:
 * SHORT_DATES) too.
 */
function maskDates(name: string): { masked: string; dates: string[] } {
  const dates: string[] = [];
  const masked = name.replace(DATE, (...args: unknown[]) => {
    const text = args[0] as string;
    const g = args[args.length - 1] as DateGroups;
    const offset = args[args.length - 3] as number;
    if (g.sep === '' && (STEP_WORD_BEFORE.test(name.slice(0, offset)) || STEP_WORD_AFTER.test(name.slice(offset + text.length)))) return text;
    if (!isDate(g.year, g.month, g.day) || !compactTimeOk(g)) return text;
    const date = datePart(text, g);
    dates.push(date);
    return ' ' + text.slice(date.length);
  });
  let rest = masked;
  for (const pattern of MONTH_DATES) {
    rest = maskEach(
      rest,
      pattern,
      (g) => {
        const month = String(MONTHS.indexOf(g.mon!.slice(0, 3).toLowerCase()) + 1).padStart(2, '0');
        const year = g.year ?? (g.yy !== undefined ? `20${g.yy}` : undefined);
        return year !== undefined && isDate(year, month, g.day === undefined ? '01' : g.day.padStart(2, '0'));
      },
      dates,
    );
  }
  // The year last, day and month in either order (`01-05-2024`, `05_01_2024`): a date when either order is a day.
  rest = maskEach(rest, DATE_YEAR_LAST, (g) => isDate(g.year!, g.b!, g.a!) || isDate(g.year!, g.a!, g.b!), dates, false);
  for (const { pattern, isDate: isDay } of SHORT_DATES) {
    rest = rest.replace(pattern, (text: string, ...parts: unknown[]) => {
      const before = (parts[parts.length - 1] as string).slice(0, parts[parts.length - 2] as number);
      // A step or epoch token's digits (`step_2000-1-5`) are its own.
      if (afterTokenWord(before)) return text;
      if (!isDay(...(parts.slice(0, 4) as string[]))) return text;
      dates.push(text);
      return ' ';
    });
  }
  return { masked: rest, dates };
}

/**
 * A Unix time (docs/checkpoints.md, "Steps and order", its times): a run of 10, 13, 16 or 19 digits —
 * seconds, milliseconds, microseconds or nanoseconds since 1970-01-01 (`int(time.time())`,
 * `time.time_ns()`), optionally with a fraction (`time.time()`, `1717000000.123`) — not inside a longer
 * run of digits nor after a decimal point. `unixTime` says whether its value is a time. Group 1: the digits.
 */
const UNIX_TIME = /(?<!\d|\d\.)(\d{19}|\d{16}|\d{13}|\d{10})(?:\.\d+)?(?![\d.])/g;
/** The last instant a Unix time in a name may be: 2100-01-01T00:00:00Z in seconds, the end of DATE's years. */
const UNIX_TIME_END = 4_102_444_800;
const UNIX_UNITS = ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'];

/**
 * What a run of digits is as a Unix time — `seconds since 1970: 2024-05-29T16:26:40Z` — when its count
 * of digits is one of UNIX_TIME's and its value falls within 2001-09-09 (the first 10-digit second) and
 * 2100 (UNIX_TIME_END); else null (a step). No leading zero: a zero-padded number is a step's.
 */
function unixTime(digits: string): string | null {
  const unit = [10, 13, 16, 19].indexOf(digits.length);
  if (unit < 0 || digits[0] === '0') return null;
  const seconds = Number(digits.slice(0, 10));
  if (seconds >= UNIX_TIME_END) return null;
  const ms = Number(digits.slice(0, 13).padEnd(13, '0'));
  return `${UNIX_UNITS[unit]} since 1970: ${new Date(ms).toISOString().replace(/\.000Z$/, 'Z')}`;
}

/** The name of a file without its extension (`.safetensors`, or any extension that does not begin with a digit: `acc0.91` keeps its decimals). */
function stem(name: string): string {
  const ext = /\.[A-Za-z][A-Za-z0-9]*$/.exec(name);
  return ext && ext.index > 0 ? name.slice(0, ext.index) : name;
}

/**
 * A shard's name in parts (`/out/checkpoint-500/model-00002-of-00003.safetensors`): its folder, the
 * name before the shard suffix (`model`), the extension (`.safetensors`, or ''), shard 2 of 3, the
 * digits each number is written with (5), the `-of-` between them as written (`-of-`, `-OF-`: the
 * suffix is matched in any case) and the count's digits as written (`00003`, which a count beyond 2⁵³
 * keeps exactly); null when the name is no shard.
 */
export function shardNameOf(path: string): { folder: string; prefix: string; extension: string; index: number; total: number; width: number; of: string; totalDigits: string } | null {
  const name = basename(path);
  const base = stem(name);
  const m = shardSuffix(base);
  if (!m) return null;
  // `-of-` as written (`-OF-` too: SHARD is matched in any case), so that the other shards' names are rebuilt as this one is.
  const of = m[0].slice(1 + m[1].length, m[0].length - m[2].length);
  return { folder: dirname(path), prefix: base.slice(0, m.index), extension: name.slice(base.length), index: Number(m[1]), total: Number(m[2]), width: m[1].length, of, totalDigits: m[2] };
}

/**
 * The step a checkpoint's path names (docs/checkpoints.md, "Steps and order"), read from its file
 * name without the extension and from its folder's name (`checkpoint-500/model.safetensors`, the
 * Hugging Face Trainer's layout; `global_step500/…`, DeepSpeed's). In one name:
 * - a step token wins: `step`, `steps`, `global_step`, `iter`, `iteration` or `it`, then `=`, `_`, `-`
 *   or nothing, then the digits (`epoch=2-step=300-v1` → 300, `step1000_acc0.91` → 1000); or a name
 *   that is `checkpoint-<digits>` whole (the Trainer's folder); or digits then `steps` (STEPS_AFTER:
 *   `rl_model_1000_steps`, Stable-Baselines3's);
 * - else an epoch token (`epoch=3`, `epoch_03`), the epoch standing for the step;
 * - else the integer the name ends in (`ckpt_000100` → 100), or that stands alone before words only
 *   (WORDS_AFTER: `model_1200_dec` → 1200; not `gpt2_final`).
 * The file name's step token wins; else the folder's step token (`checkpoint-500/model_1.safetensors`
 * → 500, where Accelerate's second model `model_1` ends in 1; `step_500/rank0.safetensors` → 500);
 * else the file name's epoch or number; else the folder's; else, when neither names a step, the nearest
 * folder above, at most STEP_FOLDER_DEPTH up, whose name is a step token or digits whole
 * (`stepOfFolderAbove`: orbax's `1000/default/model.safetensors` → 1000 and
 * `1000/state/ocdbt.process_0/d/x.safetensors` → 1000, diffusers' `checkpoint-500/unet/…` → 500).
 * Never a step: a version (`-v1`, `version_0`), a metric `name=value` (`val_loss=0.25`, `acc=91`), a number
 * with decimals or an exponent and the letters before it (`acc0.91`, `lr1e-3`), a shard suffix
 * (`-00001-of-00002`, `-0001-of-0002`), a date (`2024-05-01`, `20240501_123000`, `2024-05-01T10:50+02:00`:
 * `2024051713`, `20240517_13`: DATE; with a month's name, `01-May-2024`: MONTH_DATES; the year last, `01-05-2024`: DATE_YEAR_LAST;
 * short, `2024-5-1`, `2024-W18`, `01.05.24`, `2024_05`, `2024_5`: SHORT_DATES; `step_20240501` is a step token's digits, as
 * written), a Unix time (`1717000000`, `1717000000123`: UNIX_TIME, `unixTime`; `step_1717000000` is a
 * step token's). Null when the name and the folder name none; throws a message
 * when they name none and one holds a date or a time (`ckpt-2024-05-01`: a date is never a step); a file name
 * that holds a date and no step takes only a step token from its folder (`checkpoint-500/`), never the
 * number it ends in (`exp1/ckpt-2024-05-01` is refused, not step 1). Throws a message when the name
 * is ambiguous — two step tokens of different values, two epochs, or an epoch and a different
 * number at the end and no step token —, when it says a negative step (`step_-5`, `ckpt_-5`: a step
 * counts from 0), or when the step is beyond 2⁵³ − 1 (Number.MAX_SAFE_INTEGER):
 * a float64 cannot hold it exactly, so two such steps could not be told apart. A folder's name that
 * throws is not used when the file's name says a step.
 */
export function stepOfPath(path: string): NamedStep | null {
  const dates: Dated[] = [];
  const own = stepInName(stem(basename(path)), 'its name', dates);
  if (own?.kind === 'step') return { ...own, where: 'name' };
  // A name that holds a date and no step is named by time: its folder's number (`exp1/`, `run_5/`) is a run's, not a step.
  const dated = !own && dates.length > 0;
  let folder: Omit<NamedStep, 'where'> | null = null;
  try {
    folder = stepInName(basename(dirname(path)), 'its folder\'s name', dates);
  } catch (err) {
    if (!own) throw err;
  }
  if (folder && (!own || folder.kind === 'step') && (!dated || folder.kind === 'step')) return { ...folder, where: 'folder' };
  if (own) return { ...own, where: 'name' };
  // Neither says a step: the nearest folder above whose name is a step's (orbax's `1000/default/…`, diffusers' `checkpoint-500/unet/…`).
  if (!folder) {
    const above = stepOfFolderAbove(dirname(path));
    if (above) return { ...above, where: 'folder above' };
  }
  if (dates.length > 0) throw datedName(dates[0]);
  return null;
}

/**
 * How many folders above a checkpoint's own folder a step is looked for (`stepOfFolderAbove`): orbax
 * writes `<step>/<item>/` and then what the item's handler makes — a PyTree's `ocdbt.process_0/d/`,
 * `d/` — so a file there is 3 below its step folder (orbax's checkpoint format guide: "Below this
 * level, the format is no longer universally standard").
 */
export const STEP_FOLDER_DEPTH = 3;

/**
 * The step of the nearest folder above a checkpoint's folder (`folder`, a path), at most
 * STEP_FOLDER_DEPTH folders up, whose name says nothing but a step: a step or epoch token whole
 * (`checkpoint-500`, `step_500`, `global_step500`, `epoch_3`), or digits alone (`1000`, `000100`:
 * orbax's step folders, `<step>/<item>/…`, kind `number`), with `above`, how many folders up. Any
 * other name (`exp1`, `run_5`, `ocdbt.process_0`, a date, a Unix time `1717000000`) says none and is
 * passed over: a folder that far up is a run's or a disk's as often as a step's. Null when none is, up
 * to the root.
 */
function stepOfFolderAbove(folder: string): (Omit<NamedStep, 'where'> & { above: number }) | null {
  let above = folder;
  for (let up = 1; up <= STEP_FOLDER_DEPTH; up++) {
    if (above === dirname(above)) return null;
    above = dirname(above);
    const name = basename(above);
    if (name === '' || above === dirname(above)) return null;
    let named: Omit<NamedStep, 'where'> | null = null;
    try {
      named = stepInName(name, 'the name of a folder above its folder', []);
    } catch {
      named = null;
    }
    if (named && named.token === name) return { ...named, above: up };
  }
  return null;
}

/** A date or a Unix time a name holds: whose name (`its name`), as written, and for a Unix time what it is (`seconds since 1970: 2024-05-29T16:26:40Z`). */
interface Dated {
  whose: string;
  date: string;
  unix?: string;
}

/**
 * The refusal of a path whose only digits that could be a step are a date (`ckpt-2024-05-01`) or a
 * Unix time (`ckpt_1717000000`, UNIX_TIME): neither is ever a step, so it says how a name, the
 * metadata or the folder gives one.
 */
function datedName({ whose, date, unix }: Dated): Error {
  if (unix !== undefined) {
    const digits = date.replace(/\..*/, '');
    return new Error(
      `${whose} holds a Unix time, "${excerpt(date)}" (${unix}), and nothing else that says a step: a bare number of ${digits.length} digits that falls within 2001–2100 as ${unix.split(' ')[0]} since 1970 is a time, never read as a step — name the checkpoint by its training step, beside the time if you like (ckpt-${excerpt(date)}-step-300), give it a metadata "step", or save it in a folder that says the step (checkpoint-300/, step_300/); a step that large is read after a step word (step_${excerpt(digits)}); the metrics file's lines are matched to checkpoints by that step`,
    );
  }
  return new Error(
    `${whose} holds a date, "${excerpt(date)}", and nothing else that says a step: a date is never read as a step — name the checkpoint by its training step, beside the date if you like (ckpt-2024-05-01-step-300, step_300), give it a metadata "step", or save it in a folder that says the step (checkpoint-300/, step_300/); the metrics file's lines are matched to checkpoints by that step`,
  );
}

/** The step `stepOfPath` reads, or null. */
export function stepFromPath(path: string): number | null {
  return stepOfPath(path)?.step ?? null;
}

/** The step one name (a file's stem, or a folder's name) says; `whose` begins its messages ("its name"). */
function stepInName(name: string, whose: string, dates: Dated[] = []): Omit<NamedStep, 'where'> | null {
  const whole = CHECKPOINT_STEP.exec(name);
  if (whole) return { step: safeStep(whole[2], `${whose} says step`), kind: 'step', token: name };
  const negative = NEGATIVE_TOKEN.exec(name);
  if (negative) throw negativeStep(whose, negative[0]);
  const tokens: { kind: 'step' | 'epoch'; digits: string; text: string }[] = [];
  const shard = shardSuffix(name);
  const dated = maskDates(shard ? name.slice(0, shard.index) + ' ' : name);
  for (const date of dated.dates) dates.push({ whose, date });
  let masked = dated.masked;
  masked = masked.replace(TOKEN, (text: string, word: string, _sep: string, digits: string) => {
    tokens.push({ kind: /^epoch/i.test(word) ? 'epoch' : 'step', digits, text });
    return '\u0000'; // a token stood here: a number before it does not end the name
  });
  // The word after the digits (Stable-Baselines3's `rl_model_1000_steps`): a step token too.
  masked = masked.replace(STEPS_AFTER, (text: string, digits: string) => {
    tokens.push({ kind: 'step', digits, text });
    return '\u0000';
  });
  masked = masked.replace(METRIC, ' ');
  // After the tokens (`step_1717000000` is a step token's digits) and the metrics (`time=1717000000`).
  masked = masked.replace(UNIX_TIME, (text: string, digits: string) => {
    const unix = unixTime(digits);
    if (unix === null) return text;
    dates.push({ whose, date: text, unix });
    return ' ';
  });
  masked = masked.replace(DECIMAL, ' ').replace(VERSION, ' ');
  const negativeEnd = NEGATIVE_END.exec(masked);
  if (negativeEnd) throw negativeStep(whose, `-${negativeEnd[1]}`);
  const end = /(\d+)[\s._=-]*$/.exec(masked) ?? WORDS_AFTER.exec(masked);
  const steps = tokens.filter((t) => t.kind === 'step');
  const epochs = tokens.filter((t) => t.kind === 'epoch');
  const ambiguous = (what: string) => new Error(`${whose} is ambiguous: ${what} — rename the checkpoint so that one step token says its training step (step=300), or give it a metadata "step"`);
  if (steps.length > 0) {
    const other = steps.find((t) => !sameInteger(t.digits, steps[0].digits));
    if (other) throw ambiguous(`it says two different steps, "${steps[0].text}" and "${other.text}"`);
    return { step: safeStep(steps[0].digits, `${whose} says step`), kind: 'step', token: steps[0].text };
  }
  if (epochs.length > 0) {
    const other = epochs.find((t) => !sameInteger(t.digits, epochs[0].digits));
    if (other) throw ambiguous(`it says two different epochs, "${epochs[0].text}" and "${other.text}", and no step`);
    if (end && !sameInteger(end[1], epochs[0].digits)) throw ambiguous(`it says "${epochs[0].text}" and ends in ${end[1]}, and no step: which is the step is not said`);
    return { step: safeStep(epochs[0].digits, `${whose} says epoch`), kind: 'epoch', token: epochs[0].text };
  }
  if (!end) return null;
  return { step: safeStep(end[1], `${whose} ends in`), kind: 'number', token: end[1] };
}

/**
 * A number that stands alone between separators (or begins the name) and is followed only by words of
 * letters (`model_1200_dec`, `ckpt_500_ema_final`): the name's last number, as if it ended in it. Digits
 * joined to letters (`gpt2_final`, `t5_small`, `resnet50_best`) are a model's name, not this. Group 1: the digits.
 */
const WORDS_AFTER = /(?<![A-Za-z\d])(\d+)(?:[\s._=-]+[A-Za-z]+)+[\s._=-]*$/;

/** The refusal of a name that says a negative step (`token`, as written). */
function negativeStep(whose: string, token: string): Error {
  return new Error(`${whose} says a negative step, "${excerpt(token)}": a training step counts from 0 — name the checkpoint by its training step (step_300), or give it a metadata "step"`);
}

/** Whether two runs of digits are the same integer (`0300` and `300`). */
function sameInteger(a: string, b: string): boolean {
  return a.replace(/^0+(?=\d)/, '') === b.replace(/^0+(?=\d)/, '');
}

/** The step `digits` say, or a message saying it is beyond 2⁵³ − 1 (`where` says whose digits). */
function safeStep(digits: string, where: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new Error(`${where} ${beyondSafe(digits)}: name the checkpoint by its training step, or give it a metadata "step"`);
  return value;
}

/** `12345678901234567890, beyond 9,007,199,254,740,991 (2⁵³ − 1), …`: why such a step is refused. */
function beyondSafe(digits: string): string {
  return `${excerpt(digits)}, beyond ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2⁵³ − 1), the largest step a float64 holds exactly (steps beyond it could not be told apart)`;
}

/**
 * The step in a checkpoint's metadata (`__metadata__.step`, text as the format requires): a
 * non-negative integer, undefined when absent; throws a message when present but not an integer, or
 * an integer beyond 2⁵³ − 1.
 */
export function stepFromMetadata(metadata: Readonly<Record<string, string>>): number | undefined {
  if (!('step' in metadata)) return undefined;
  const text = metadata.step.trim();
  if (!/^\d+$/.test(text)) throw new Error(`its metadata "step" is ${JSON.stringify(excerpt(metadata.step))}, not a non-negative integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`its metadata "step" is ${beyondSafe(text)}: write the training step itself`);
  return value;
}

/** The folder a glob starts from: its path up to the last separator before the first wildcard. */
export function globBase(pattern: string): string {
  const wildcard = pattern.search(/[*?[\]{}()!]/);
  const fixed = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  const cut = fixed.lastIndexOf('/');
  return cut < 0 ? '.' : cut === 0 ? '/' : fixed.slice(0, cut);
}
