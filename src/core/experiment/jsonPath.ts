/** JSON paths as written in messages and on the command line: `a.b[2].c`. */

/** `a.b[2].c` → ['a', 'b', 2, 'c']. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}
