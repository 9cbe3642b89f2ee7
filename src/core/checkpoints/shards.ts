/**
 * Checkpoints split over several files (docs/checkpoints.md, "Steps and order", its sharded checkpoints): Hugging Face's
 * `save_pretrained` above its `max_shard_size` writes `model-00001-of-00003.safetensors` …
 * `model-00003-of-00003.safetensors` and `model.safetensors.index.json` (`{"metadata": {…},
 * "weight_map": {"tensor name": "model-00001-of-00003.safetensors", …}}`), often in `checkpoint-500/`.
 *
 * `checkpointUnits` makes the checkpoints of the files a glob matched — a file alone, or every shard of
 * one save joined — and says why shards make no checkpoint (a shard missing, the index and the names
 * disagreeing). `CheckpointFiles` opens one checkpoint: each of its files as `SafetensorsFile` (its
 * header checked, its tensors read alone by their offsets, through its own handle), the tensors of all
 * of them as one list, each read from the shard that holds it — nothing is copied beyond what one file
 * costs. A single file is a checkpoint of one part, read exactly as `SafetensorsFile` reads it.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { countOf, excerpt } from '../experiment/diagnostic';
import { MAX_CHECKPOINTS, MAX_HEADER_BYTES, MAX_INDEX_BYTES } from './limits';
import { naturalCompare, shardNameOf, stepFromMetadata } from './naming';
import { CheckpointError, SafetensorsFile, TensorInfo } from './safetensors';

/** One file of a checkpoint: its path and its name as displayed. */
export interface CheckpointPart {
  path: string;
  file: string;
}

/** The index of a sharded save, as read: where each tensor is (tensor name → shard file name). */
export interface ShardIndex {
  path: string;
  file: string;
  size: number;
  mtimeMs: number;
  weightMap: Map<string, string>;
}

/** One checkpoint the glob's files make: a file alone, or the shards of one save. */
export interface CheckpointUnit {
  /** Its key: the file's path, or the path of its first shard the glob matched (natural order). */
  path: string;
  /** As displayed: the file, or its shards as `folder/model-*-of-00003.safetensors`. */
  file: string;
  /** Its files: the file alone, or the shards in order (with `problem`, the shards the glob matched). */
  parts: CheckpointPart[];
  /** Shards only: how many the save is split over (the names' `-of-N`). */
  shards: number | null;
  /** The index used, or null (a single file; shards without an index, read by their `-of-N` names). */
  index: ShardIndex | null;
  /** Why these shards make no checkpoint — what is missing or disagrees, naming the files — or null. */
  problem: string | null;
  /** Whether `problem` is only that shards are not there (yet: a save under way, in live reading). */
  incomplete: boolean;
}

/** The index file Hugging Face writes beside shards `<prefix>-<i>-of-<n><ext>`: `<prefix><ext>.index.json`. */
function indexName(prefix: string, extension: string): string {
  return `${prefix}${extension}.index.json`;
}

/**
 * The checkpoints `paths` (the glob's files, absolute, in natural order) make, in the order of their
 * keys: every file that is no shard (or shard 1 of 1) alone; the shards of one folder that share the
 * name before `-<i>-of-<n>` and the extension, joined. With the index beside them
 * (`model.safetensors.index.json` for `model-*-of-*.safetensors`) the checkpoint is the files its
 * `weight_map` names, else shards 1 to n by their names. Refused with `problem`, naming the files: a
 * shard missing — not there, or there but not matched by the glob —, shards of different counts
 * (`-of-00002` beside `-of-00003`), a shard number above the count, an index that is not JSON or whose
 * `weight_map` is not an object of file names, an index that names another number of files than the
 * names' `-of-N`, a matched shard the index does not name, a count above MAX_CHECKPOINTS (2,000: no
 * save of more shards can be matched whole). The counts a name or an index says are bounded before
 * anything is built from them, and an index whose count disagrees with the names is refused without
 * touching the disk; the names of missing shards are looked up in one listing of their folder, never
 * one file system call per name. `-of-` is kept as written (`-OF-`), in the names rebuilt and shown. A
 * matched index file of a group is no checkpoint, and is left out of the list. Files not named
 * `-<i>-of-<n>` that an index beside them names are joined as it says (`indexedSaves`: two or more
 * matched files in a folder; `part_a.safetensors`, `part_b.safetensors` and the
 * `model.safetensors.index.json` naming them), shown as the index's path. `display` shows a path
 * as messages do; `pattern`, the checkpoint path as written, is widened in the advice for a shard not
 * matched (`widenedPattern`).
 */
export async function checkpointUnits(paths: readonly string[], display: (path: string) => string, pattern?: string): Promise<CheckpointUnit[]> {
  type Shard = { path: string; index: number; total: number; totalDigits: string };
  const groups = new Map<string, { folder: string; prefix: string; extension: string; width: number; of: string; shards: Shard[] }>();
  const singles: string[] = [];
  for (const path of paths) {
    const s = shardNameOf(path);
    if (!s || (s.total === 1 && s.index === 1)) {
      singles.push(path);
      continue;
    }
    // `-of-` as written is part of the key: `-OF-` shards are rebuilt with `-OF-`, not found as `-of-` ones.
    const key = `${s.folder}\u0000${s.prefix}\u0000${s.of}\u0000${s.extension}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { folder: s.folder, prefix: s.prefix, extension: s.extension, width: s.width, of: s.of, shards: [] }));
    group.shards.push({ path, index: s.index, total: s.total, totalDigits: s.totalDigits });
  }
  const units: CheckpointUnit[] = [];
  const indexes = new Set<string>();
  /** The indexes the shard groups looked for, read or not: not read again for the other files. */
  const looked = new Set<string>();
  const entries = new Map<string, Promise<Set<string> | null>>();
  /** The names in `folder`, read once for every group of it; null when it cannot be read. */
  const entriesOf = (folder: string): Promise<Set<string> | null> => {
    let e = entries.get(folder);
    if (!e) entries.set(folder, (e = fs.readdir(folder).then((names) => new Set(names), () => null)));
    return e;
  };
  /**
   * Says in `problems` which of `names` (the files of `unit`, in `folder`) are not in `matched` (the
   * glob's files): not there (first, `unit.incomplete` when nothing else is wrong), or there but not
   * matched (last, with the checkpoint path widened to every file of `extension`).
   */
  const missingShards = async (unit: CheckpointUnit, folder: string, names: readonly string[], matched: ReadonlySet<string>, extension: string, problems: string[]): Promise<void> => {
    const missing = names.filter((name) => !matched.has(name));
    const notThere: string[] = [];
    const notMatched: string[] = [];
    if (missing.length > 0) {
      // The folder is listed once; only a missing name that is in it is looked at (a regular file?).
      const inFolder = await entriesOf(folder);
      for (const name of missing) {
        // A folder that cannot be listed (searchable, not readable) is looked at name by name: at most MAX_CHECKPOINTS.
        const look = inFolder === null || inFolder.has(name);
        const exists = look
          ? await fs.stat(join(folder, name)).then(
              (st) => st.isFile(),
              () => false,
            )
          : false;
        (exists ? notMatched : notThere).push(name);
      }
    }
    const have = names.length - notThere.length - notMatched.length;
    if (notThere.length > 0) {
      unit.incomplete = problems.length === 0 && notMatched.length === 0;
      problems.unshift(`${notThere.length === 1 ? 'shard' : 'shards'} ${listNames(notThere)} ${notThere.length === 1 ? 'is' : 'are'} not there${unit.index ? `, though its index ${unit.index.file} names ${notThere.length === 1 ? 'it' : 'them'}` : ''} (${have} of its ${names.length} shards ${have === 1 ? 'is' : 'are'}) — a checkpoint split over several files is read only with every shard: copy the missing ${notThere.length === 1 ? 'one' : 'ones'}, or leave the checkpoint out`);
    }
    if (notMatched.length > 0) {
      const widened = pattern === undefined ? null : widenedPattern(pattern, extension);
      problems.push(`${notMatched.length === 1 ? 'shard' : 'shards'} ${listNames(notMatched)} ${notMatched.length === 1 ? 'is' : 'are'} there but not matched by the checkpoint path: widen it to every shard${widened ? ` (${excerpt(widened)})` : ''}`);
    }
  };
  for (const g of groups.values()) {
    g.shards.sort((a, b) => naturalCompare(a.path, b.path));
    const total = g.shards[0].total;
    const totalDigits = g.shards[0].totalDigits;
    const pad = (n: number) => String(n).padStart(g.width, '0');
    const shardName = (i: number) => `${g.prefix}-${pad(i)}${g.of}${totalDigits}${g.extension}`;
    const unit: CheckpointUnit = {
      path: g.shards[0].path,
      file: display(join(g.folder, `${g.prefix}-*${g.of}${totalDigits}${g.extension}`)),
      parts: g.shards.map((s) => ({ path: s.path, file: display(s.path) })),
      shards: total,
      index: null,
      problem: null,
      incomplete: false,
    };
    units.push(unit);
    const problems: string[] = [];
    const digitsOf = (s: Shard) => s.totalDigits.replace(/^0+(?=\d)/, '');
    const totals = [...new Set(g.shards.map(digitsOf))];
    if (totals.length > 1) {
      const example = (t: string) => basename(g.shards.find((s) => digitsOf(s) === t)!.path);
      problems.push(`its shards disagree on how many there are: ${totals.map((t) => `${example(t)} says ${t}`).join(', ')} — shards of different saves are in one folder; remove the older save's`);
      unit.problem = problems.join('; ');
      continue;
    }
    // The count a name says is bounded before anything is built or looked at from it: a save of more
    // shards than a checkpoint path may match files could never be read whole.
    if (total > MAX_CHECKPOINTS) {
      unit.problem = `${excerpt(basename(g.shards[0].path))} says it is one of ${digitsOf(g.shards[0])} shards (${g.of}${excerpt(totalDigits)}), more than the ${MAX_CHECKPOINTS.toLocaleString('en-US')} files a checkpoint path may match (each shard is one): such a save cannot be read whole — if the file is no shard, rename it so that its name does not end in -<i>-of-<n>; else save the model in fewer shards (a larger max_shard_size)`;
      continue;
    }
    const indexPath = join(g.folder, indexName(g.prefix, g.extension));
    looked.add(indexPath);
    let names: string[];
    try {
      unit.index = await readIndex(indexPath, display(indexPath));
    } catch (err) {
      unit.problem = `its index ${err instanceof Error ? err.message : String(err)}`;
      continue;
    }
    if (unit.index) {
      indexes.add(indexPath);
      const named = new Set(unit.index.weightMap.values());
      const nested = [...named].find((n) => n !== basename(n) || n === '.' || n === '..');
      if (nested !== undefined) {
        unit.problem = `its index ${unit.index.file} puts tensors in "${excerpt(nested)}", not a file name of the index's folder: the index names the shards beside it`;
        continue;
      }
      const stray = g.shards.filter((s) => !named.has(basename(s.path)));
      const strayProblem = () => `${listNames(stray.map((s) => basename(s.path)))} ${stray.length === 1 ? 'is' : 'are'} not among the shards its index ${unit.index!.file} names (${listNames(firstNames(named), named.size)})`;
      if (named.size !== total) {
        // Known from the index and the names alone: refused without looking for any file it names.
        problems.push(`its index ${unit.index.file} names ${countOf(named.size, 'shard file')} (${listNames(firstNames(named), named.size)}), but the shards' names say ${total} (${g.of}${totalDigits}) — the index and the shards are of different saves`);
        if (stray.length > 0) problems.push(strayProblem());
        unit.problem = `is a checkpoint split over ${total} files: ${problems.join('; ')}`;
        continue;
      }
      names = [...named].sort(naturalCompare);
      if (stray.length > 0) problems.push(strayProblem());
    } else {
      names = Array.from({ length: total }, (_, i) => shardName(i + 1));
      const beyond = g.shards.filter((s) => s.index < 1 || s.index > total);
      if (beyond.length > 0) problems.push(`${listNames(beyond.map((s) => basename(s.path)))} ${beyond.length === 1 ? 'is a shard number' : 'are shard numbers'} outside 1 to ${total}, the count the names say`);
    }
    const matched = new Set(g.shards.map((s) => basename(s.path)));
    await missingShards(unit, g.folder, names, matched, g.extension, problems);
    if (problems.length > 0) {
      unit.problem = `is a checkpoint split over ${total} files: ${problems.join('; ')}`;
      continue;
    }
    unit.parts = names.map((name) => {
      const path = join(g.folder, name);
      return { path, file: display(path) };
    });
  }
  // Files not named -<i>-of-<n> that an index beside them names (its weight_map): joined as that index says.
  const claimed = await indexedSaves(singles, looked, entriesOf, display);
  for (const save of claimed.saves) {
    units.push(save.unit);
    if (save.unit.problem) continue;
    const problems: string[] = [];
    await missingShards(save.unit, save.folder, save.names, save.matched, save.extension, problems);
    if (problems.length > 0) save.unit.problem = `is a checkpoint split over ${save.names.length} files: ${problems.join('; ')}`;
    else save.unit.parts = save.names.map((name) => ({ path: join(save.folder, name), file: display(join(save.folder, name)) }));
  }
  for (const path of singles) if (!indexes.has(path) && !claimed.indexes.has(path) && !claimed.paths.has(path)) units.push({ path, file: display(path), parts: [{ path, file: display(path) }], shards: null, index: null, problem: null, incomplete: false });
  return units.sort((a, b) => naturalCompare(a.path, b.path));
}

/** A save whose files an index names (`indexedSaves`): its unit, and what `missingShards` needs. */
interface IndexedSave {
  unit: CheckpointUnit;
  folder: string;
  names: string[];
  matched: Set<string>;
  extension: string;
}

/**
 * The saves that an index names among `singles` (the glob's files not named `-<i>-of-<n>`, absolute,
 * in natural order): in each folder of two or more of them — listed once (`entriesOf`) — each index
 * `<name><ext>.index.json` (`model.safetensors.index.json`) that the shard groups did not look for
 * (`looked`) and whose `<ext>` is a matched file's extension is read (`readIndex`); when its
 * `weight_map` names two files or more, one of them matched, those files are one save: a unit whose
 * parts are the named files in natural order (`missingShards` then says which are missing), keyed by
 * its first matched file and shown as the index's path. An index that names one file, or none that the
 * glob matched (`pytorch_model.bin.index.json` beside safetensors files), joins nothing; one that
 * cannot be read, or that names a file an earlier index of the folder names, is a unit of its own with
 * that `problem` — the files beside it are then read each alone, and the message says so. `paths`:
 * the matched files the saves took; `indexes`: the indexes that joined files (no checkpoint of their own).
 */
async function indexedSaves(
  singles: readonly string[],
  looked: ReadonlySet<string>,
  entriesOf: (folder: string) => Promise<Set<string> | null>,
  display: (path: string) => string,
): Promise<{ saves: IndexedSave[]; paths: Set<string>; indexes: Set<string> }> {
  const byFolder = new Map<string, string[]>();
  for (const path of singles) {
    const folder = dirname(path);
    let files = byFolder.get(folder);
    if (!files) byFolder.set(folder, (files = []));
    files.push(path);
  }
  const saves: IndexedSave[] = [];
  const paths = new Set<string>();
  const indexes = new Set<string>();
  for (const [folder, files] of byFolder) {
    // A file alone in its folder (the Trainer's checkpoint-500/model.safetensors) is read alone, its folder not listed: 2,000 listings took 250 ms at every look.
    if (files.length < 2) continue;
    const extensions = new Set(files.map((path) => extname(path)).filter((ext) => ext !== ''));
    const inFolder = await entriesOf(folder);
    if (inFolder === null) continue;
    const candidates = [...inFolder].filter((name) => name.endsWith('.index.json') && extensions.has(extname(name.slice(0, -'.index.json'.length))) && !looked.has(join(folder, name))).sort(naturalCompare);
    const byName = new Map(files.map((path) => [basename(path), path]));
    const owner = new Map<string, string>();
    for (const candidate of candidates) {
      const indexPath = join(folder, candidate);
      const unit: CheckpointUnit = { path: indexPath, file: display(indexPath), parts: [], shards: null, index: null, problem: null, incomplete: false };
      let index: ShardIndex | null;
      try {
        index = await readIndex(indexPath, unit.file);
      } catch (err) {
        if (byName.has(candidate)) continue; // matched by the glob: refused as a checkpoint of its own
        unit.problem = `is the index of a sharded save, and it cannot be read: ${err instanceof Error ? err.message : String(err)} — the files beside it are read each as a checkpoint of its own`;
        saves.push({ unit, folder, names: [], matched: new Set(), extension: '' });
        continue;
      }
      if (!index) continue;
      const named = new Set(index.weightMap.values());
      const ours = [...named].filter((name) => byName.has(name));
      if (named.size < 2 || ours.length === 0) continue;
      indexes.add(indexPath);
      unit.index = index;
      unit.shards = named.size;
      const nested = [...named].find((n) => n !== basename(n) || n === '.' || n === '..');
      const twice = ours.find((name) => owner.has(name));
      if (nested !== undefined) unit.problem = `is the index of a sharded save, and it puts tensors in "${excerpt(nested)}", not a file name of the index's folder: the index names the shards beside it — the files beside it are read each as a checkpoint of its own`;
      else if (twice !== undefined) unit.problem = `is the index of a sharded save, and it names ${excerpt(twice)}, as ${display(owner.get(twice)!)} does: a file is one save's shard — remove the index of the older save`;
      if (unit.problem) {
        saves.push({ unit, folder, names: [], matched: new Set(), extension: '' });
        continue;
      }
      const names = [...named].sort(naturalCompare);
      for (const name of ours) {
        owner.set(name, indexPath);
        paths.add(byName.get(name)!);
      }
      unit.path = byName.get(names.find((name) => byName.has(name))!)!;
      // The files matched until every one it names is found (`checkpointUnits`), as a shard group's.
      unit.parts = names.filter((name) => byName.has(name)).map((name) => ({ path: byName.get(name)!, file: display(byName.get(name)!) }));
      saves.push({ unit, folder, names, matched: new Set(ours), extension: extname(names[0]) });
    }
  }
  return { saves, paths, indexes };
}

/**
 * The checkpoint path `pattern` (as written) widened to every shard of a save: its last part
 * replaced by `*<extension>` (its last part `model-00001*.safetensors` → `*.safetensors`, the folders
 * as written); null when that is the pattern itself, or its last part is empty or holds `**`.
 */
export function widenedPattern(pattern: string, extension: string): string | null {
  const cut = pattern.lastIndexOf('/');
  const last = pattern.slice(cut + 1);
  if (last === '' || last.includes('**')) return null;
  const widened = `${pattern.slice(0, cut + 1)}*${extension}`;
  return widened === pattern ? null : widened;
}

/** The first `n` of `names` in natural order, without sorting them all (an index may name a million). */
function firstNames(names: Iterable<string>, n = 5): string[] {
  const first: string[] = [];
  for (const name of names) {
    if (first.length === n && naturalCompare(name, first[n - 1]) >= 0) continue;
    first.push(name);
    first.sort(naturalCompare);
    if (first.length > n) first.pop();
  }
  return first;
}

/** Up to five names, quoted, then how many more (of `count`, all the names by default). */
function listNames(names: readonly string[], count = names.length): string {
  const shown = names.slice(0, 5).map((n) => excerpt(n));
  return shown.join(', ') + (count > 5 ? ` and ${(count - 5).toLocaleString('en-US')} more` : '');
}

/**
 * The index of a sharded save at `path` (shown as `file`), or null when there is none: a JSON object
 * whose `weight_map` is an object of tensor names to shard file names (`metadata` and other keys are
 * not read). At most MAX_INDEX_BYTES (16 MiB, checked before it is read), naming at most MAX_CHECKPOINTS
 * shard files (its reading stops at the one beyond). An index unchanged since it was read (its size,
 * modification and change times, inode) is not read again: the one read is kept, up to 32 MiB of index
 * files in all, the least recently used let go first. Throws an Error whose message begins with the file and says what
 * is wrong, located by its key.
 */
export async function readIndex(path: string, file: string): Promise<ShardIndex | null> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${file} cannot be looked at (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
  const seen = indexCache.get(path);
  if (seen && seen.size === stat.size && seen.mtimeMs === stat.mtimeMs && seen.ctimeMs === stat.ctimeMs && seen.ino === stat.ino) {
    // Unchanged since it was read: live reading looks every 250 ms, and an index of 16 MiB takes a second or more to read.
    indexCache.delete(path);
    indexCache.set(path, seen);
    return { ...seen.index, file };
  }
  // Bounded before it is read: its reading costs time at every look (5–6 s for 41 MB), and no real save needs as many bytes.
  if (stat.size > MAX_INDEX_BYTES) {
    throw new Error(
      `${file} has ${stat.size.toLocaleString('en-US')} bytes, more than the ${MAX_INDEX_BYTES.toLocaleString('en-US')} (16 MiB) an index may have: an index lists each tensor of the save in some 60–100 bytes, so 16 MiB holds some 200,000, more than the largest models have, and one of 41 MB took 5–6 s to read at every look — the index is of another save, or not an index; shards named -<i>-of-<n> are joined by their names without it: move it out of the folder`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const map = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).weight_map : undefined;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw new Error(`${file}: "weight_map" should be an object of tensor names to shard file names ({"fc1.weight": "model-00001-of-00002.safetensors", …}), found ${map === undefined ? 'nothing' : Array.isArray(map) ? 'an array' : JSON.stringify(map)}`);
  }
  const weightMap = new Map<string, string>();
  const shards = new Set<string>();
  for (const tensor in map) {
    const shard = (map as Record<string, unknown>)[tensor];
    if (typeof shard !== 'string') throw new Error(`${file}: "weight_map"."${excerpt(tensor)}" should be a shard file name, found ${excerpt(JSON.stringify(shard) ?? String(shard))}`);
    weightMap.set(tensor, shard);
    // Bounded as it is read: no save of more shards than a checkpoint path may match files can be read whole.
    if (!shards.has(shard) && shards.add(shard).size > MAX_CHECKPOINTS) {
      throw new Error(`${file}: "weight_map" names more than ${MAX_CHECKPOINTS.toLocaleString('en-US')} shard files (${[...shards].slice(0, 3).map((n) => excerpt(n)).join(', ')}, …), more than the ${MAX_CHECKPOINTS.toLocaleString('en-US')} files a checkpoint path may match (each shard is one): such a save cannot be read whole — the index is of another save, or the model is split over too many shards`);
    }
  }
  const index = { path, file, size: stat.size, mtimeMs: stat.mtimeMs, weightMap };
  remember(path, { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, index });
  return index;
}

/** The indexes read, by path, with what their file was when read (size, times, inode): the most recently used last. */
const indexCache = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; ino: number; index: ShardIndex }>();
/** The bytes of index files `indexCache` keeps at most (twice MAX_INDEX_BYTES): the least recently used are let go beyond it. */
const INDEX_CACHE_BYTES = 2 * MAX_INDEX_BYTES;
/** The bytes of the index files `indexCache` keeps. */
let indexCacheBytes = 0;

/** Keeps `entry` as the index at `path`, letting the least recently used go beyond INDEX_CACHE_BYTES. */
function remember(path: string, entry: { size: number; mtimeMs: number; ctimeMs: number; ino: number; index: ShardIndex }): void {
  const old = indexCache.get(path);
  if (old) {
    indexCache.delete(path);
    indexCacheBytes -= old.size;
  }
  indexCache.set(path, entry);
  indexCacheBytes += entry.size;
  for (const [key, e] of indexCache) {
    if (indexCacheBytes <= INDEX_CACHE_BYTES) break;
    indexCache.delete(key);
    indexCacheBytes -= e.size;
  }
}

/**
 * One checkpoint open: its files (one, or every shard) with their checked headers, their tensors as
 * one list, each read from the file that holds it by its offsets. `open` fails with `CheckpointError`
 * naming the file at fault; always `close` it.
 */
export class CheckpointFiles {
  private constructor(
    readonly files: SafetensorsFile[],
    readonly header: { tensors: TensorInfo[]; metadata: Record<string, string> },
    private readonly owners: Map<string, SafetensorsFile>,
  ) {}

  /**
   * Opens every file of `unit` (each header checked, as `SafetensorsFile.open` does, the headers
   * together at most MAX_HEADER_BYTES). For shards, also refuses: a tensor in two shards; a tensor the
   * index puts in another shard than the one that holds it, or that it does not list, or that is in no
   * shard; shards whose metadata say different steps. The metadata is the first shard's, with the
   * shards' `step` when one says it.
   */
  static async open(unit: Pick<CheckpointUnit, 'file' | 'parts' | 'index'>): Promise<CheckpointFiles> {
    const files: SafetensorsFile[] = [];
    try {
      let headerBytes = 0;
      for (const part of unit.parts) {
        const f = await SafetensorsFile.open(part.path, part.file, MAX_HEADER_BYTES - headerBytes);
        files.push(f);
        headerBytes += f.header.dataStart - 8;
      }
      if (files.length === 1) return new CheckpointFiles(files, files[0].header, new Map(files[0].header.tensors.map((t) => [t.name, files[0]])));
      const owners = new Map<string, SafetensorsFile>();
      const tensors: TensorInfo[] = [];
      for (const f of files) {
        for (const t of f.header.tensors) {
          const other = owners.get(t.name);
          if (other) throw new CheckpointError(unit.file, `tensor "${excerpt(t.name)}" is in two shards, ${other.file} and ${f.file}: a tensor of a sharded checkpoint is in one shard — they are of different saves`);
          owners.set(t.name, f);
          tensors.push(t);
        }
      }
      if (unit.index) {
        const map = unit.index.weightMap;
        for (const [name, f] of owners) {
          const said = map.get(name);
          if (said === undefined) throw new CheckpointError(unit.file, `tensor "${excerpt(name)}" of ${f.file} is not in its index ${unit.index.file}: the index lists every tensor of the shards`);
          if (said !== basename(f.file)) throw new CheckpointError(unit.file, `its index ${unit.index.file} puts tensor "${excerpt(name)}" in ${excerpt(said)}, but ${f.file} holds it — the index and the shards are of different saves`);
        }
        for (const [name, said] of map) if (!owners.has(name)) throw new CheckpointError(unit.file, `its index ${unit.index.file} puts tensor "${excerpt(name)}" in ${excerpt(said)}, which has no such tensor`);
      }
      let step: { value: number; file: string } | null = null;
      for (const f of files) {
        let value: number | undefined;
        try {
          value = stepFromMetadata(f.header.metadata);
        } catch (err) {
          throw new CheckpointError(f.file, err instanceof Error ? err.message : String(err));
        }
        if (value === undefined) continue;
        if (step && step.value !== value) throw new CheckpointError(unit.file, `its shards' metadata say different steps: ${step.file} says ${step.value}, ${f.file} says ${value}`);
        step ??= { value, file: f.file };
      }
      const metadata = { ...files[0].header.metadata };
      if (step) metadata.step = String(step.value);
      return new CheckpointFiles(files, { tensors, metadata }, owners);
    } catch (err) {
      await Promise.all(files.map((f) => f.close()));
      throw err;
    }
  }

  tensor(name: string): TensorInfo | undefined {
    return this.owners.get(name)?.tensor(name);
  }

  /** The values of tensor `t` (of this checkpoint), read from the file that holds it (`SafetensorsFile.read`). */
  read(t: TensorInfo): Promise<Float32Array | Float64Array> {
    const owner = this.owners.get(t.name);
    if (!owner) throw new Error(`no tensor "${t.name}" in this checkpoint`);
    return owner.read(t);
  }

  /**
   * What changed since `seen` (each part's size and modification time, in order) was looked at: null,
   * or for a single file `size` or `modification time`, for a shard that and the shard's name.
   */
  changedSince(seen: readonly { size: number; mtimeMs: number }[]): string | null {
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i];
      const what = f.size !== seen[i]?.size ? 'size' : f.mtimeMs !== seen[i]?.mtimeMs ? 'modification time' : null;
      if (what === null) continue;
      return this.files.length === 1 ? what : `the ${what} of its shard ${f.file} changed while it was read`;
    }
    return null;
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }
}
