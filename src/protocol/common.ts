/**
 * What every panel's messages share (docs/architecture.md, "Messages"): the handshake, the error
 * banner, the file the panel shows, closing, and the checks every message from a webview passes
 * before the host uses it. Imported by the extension host and by the webviews.
 */

/**
 * The webview is listening: the host posts nothing before it (messages posted earlier are lost).
 * `page` is the id the host wrote into this page's HTML (`data-page`): a page the host has since
 * replaced is not the one listening (src/extension/panels/pageHandshake.ts).
 */
export interface Ready {
  type: 'ready';
  page?: string;
}

/** Longest page id a `ready` may carry. */
export const MAX_PAGE_ID_LENGTH = 64;

/** Show the experiment file at a one-based line and column (a click on an error in the banner). */
export interface Reveal {
  type: 'reveal';
  line: number;
  column: number;
}

/** The panel was closed by the host (its file was deleted); the reason is shown. */
export interface Closed {
  type: 'closed';
  reason: string;
}

/** One located error of an invalid experiment, as the banner shows it. */
export interface ErrorInfo {
  message: string;
  /** One-based line and column in the experiment file. */
  line: number;
  column: number;
}

/** The messages every webview may send, whatever its kind. */
export type CommonFromWebview = Ready | Reveal;

/** The part of a webview's saved state that the host reads back when it restores a panel. */
export interface PanelState {
  documentUri: string;
}

/** Longest URI a restored state may name. */
export const MAX_URI_LENGTH = 10_000;

/** A plain object's fields, or null for anything else (arrays included). */
export function asRecord(x: unknown): Record<string, unknown> | null {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A non-negative integer below `limit`. */
export function isIndex(x: unknown, limit: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < limit;
}

/** Reads the host's part of a restored webview state; null when it is missing or malformed. */
export function parsePanelState(state: unknown): PanelState | null {
  const uri = asRecord(state)?.documentUri;
  return typeof uri === 'string' && uri.length > 0 && uri.length < MAX_URI_LENGTH ? { documentUri: uri } : null;
}

/** `ready` or `reveal`, validated; null for anything else. */
export function parseCommon(message: unknown): CommonFromWebview | null {
  const m = asRecord(message);
  if (!m) return null;
  if (m.type === 'ready') return typeof m.page === 'string' && m.page.length <= MAX_PAGE_ID_LENGTH ? { type: 'ready', page: m.page } : { type: 'ready' };
  if (m.type === 'reveal' && isFiniteNumber(m.line) && isFiniteNumber(m.column) && m.line >= 1 && m.column >= 1 && m.line < 1e9 && m.column < 1e9) {
    return { type: 'reveal', line: Math.floor(m.line), column: Math.floor(m.column) };
  }
  return null;
}

/**
 * A bounded, printable prefix of a message that failed validation, for the log. It stops walking the
 * message once `limit` characters are written, so a malformed message of megabytes costs no more
 * than a short one.
 */
export function describeMalformed(message: unknown, limit = 200): string {
  let out = '';
  const write = (s: string): boolean => {
    out += s;
    return out.length < limit;
  };
  const visit = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') return write(JSON.stringify(v.length > limit ? v.slice(0, limit) : v));
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return write(String(v));
    if (typeof v !== 'object') return write(typeof v);
    if (depth > 4) return write('…');
    if (Array.isArray(v)) {
      write('[');
      for (let i = 0; i < v.length; i++) if ((i > 0 && !write(',')) || !visit(v[i], depth + 1)) return false;
      return write(']');
    }
    write('{');
    let first = true;
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      if ((!first && !write(',')) || !write(`${JSON.stringify(key.slice(0, limit))}:`) || !visit((v as Record<string, unknown>)[key], depth + 1)) return false;
      first = false;
    }
    return write('}');
  };
  visit(message, 0);
  if (out.length <= limit) return out;
  // Not between the two halves of a surrogate pair (an emoji): the log would show a broken character.
  const high = out.charCodeAt(limit - 1);
  return `${out.slice(0, high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit)}…`;
}
