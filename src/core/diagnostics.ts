/** A problem found in an experiment file, located by character offset in the document text. */
export interface Diagnostic {
  /** The message, the same in the CLI and in VS Code's Problems panel. */
  message: string;
  /** The JSON path of the offending value (`learningRates.u`, `data.samples[2].x`), or '' for the whole file. */
  path: string;
  /** Offset (UTF-16 code units) and length of the offending text. */
  offset: number;
  length: number;
  severity: 'error' | 'warning';
}

/** Zero-based line and column (UTF-16 code units) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 /* \n */ || (ch === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart };
}

/** A diagnostic in the compiler style `FILE:LINE:COL: error: MESSAGE` (one-based line and column). */
export function formatDiagnostic(fileName: string, text: string, d: Diagnostic): string {
  const { line, column } = lineAndColumn(text, d.offset);
  return `${fileName}:${line + 1}:${column + 1}: ${d.severity}: ${d.message}`;
}

/** Appends `key` to a JSON path: `a.b`, `a[3]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
