/**
 * The one handle a webview has on VS Code (docs/architecture.md, "Webviews"): typed messages to the
 * extension host, and the state kept with the webview — its own view preferences, validated when
 * read back, merged with the host's `documentUri` that the panel serializer restores from.
 * `acquireVsCodeApi` may be called only once per page: every module goes through this one.
 */
import { asRecord } from '../src/protocol/common';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

/**
 * This page's id, written by the host into its HTML (`data-page`): its `ready` carries it, so that
 * the host can tell it from a page it has since replaced (src/extension/panels/pageHandshake.ts).
 */
const page = document.documentElement.dataset.page;

/** A message as posted: a `ready` says which page is ready. */
function stamped(message: unknown): unknown {
  const m = asRecord(message);
  return m && m.type === 'ready' && page ? { ...m, page } : message;
}

/** A webview's host: posts messages of type `FromWebview`, keeps view preferences of type `Prefs`. */
export interface Host<FromWebview, Prefs> {
  post(message: FromWebview): void;
  /** The saved view preferences (defaults for anything missing or malformed). */
  readonly prefs: Prefs;
  /** Saves view preferences with the webview (they survive hiding and reloads of the panel). */
  savePrefs(change: Partial<Prefs>): void;
  /** Keeps what the host's serializer needs to reopen the panel: the file, and any fields of its own (axes). */
  saveDocument(documentUri: string, extra?: Record<string, unknown>): void;
}

/**
 * The page's host. `readPrefs` turns whatever was saved (possibly by an older version, possibly
 * nothing) into valid preferences.
 */
export function createHost<FromWebview, Prefs extends object>(readPrefs: (saved: Record<string, unknown>) => Prefs): Host<FromWebview, Prefs> {
  const raw = asRecord(api.getState()) ?? {};
  let prefs = readPrefs(raw);
  let saved: Record<string, unknown> = { ...raw, ...prefs };
  const store = () => api.setState(saved);
  return {
    post: (message) => api.postMessage(stamped(message)),
    get prefs() {
      return prefs;
    },
    savePrefs(change) {
      prefs = { ...prefs, ...change };
      saved = { ...saved, ...prefs };
      store();
    },
    saveDocument(documentUri, extra = {}) {
      saved = { ...saved, ...extra, documentUri };
      store();
    },
  };
}

/** A boolean preference, or its default. */
export function boolPref(saved: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = saved[key];
  return typeof v === 'boolean' ? v : fallback;
}
