/** The one handle on the VS Code webview API: messages to the host and the view preferences. */
import { parsePanelState, type FromWebview, type PanelState } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per webview.
const api: VsCodeApi = acquireVsCodeApi();

/** Posts a typed message to the extension host. */
export function post(message: FromWebview): void {
  api.postMessage(message);
}

/** View preferences: the only state kept in the webview (everything else comes from the document). */
export interface ViewPrefs {
  logTime: boolean;
  ratioToInitial: boolean;
  /** Draw gradient descent instead of the flow when the file does not ask for both. */
  descent: boolean;
  /** The user has set the time axis; until then a sweep whose horizons span decades is drawn on a log axis. */
  logTimeChosen: boolean;
}

/** Reads the saved view preferences, falling back to defaults for anything missing or malformed. */
export function loadPrefs(): ViewPrefs {
  const s = api.getState() as Partial<Record<keyof ViewPrefs, unknown>> | undefined;
  return {
    logTime: typeof s?.logTime === 'boolean' ? s.logTime : false,
    ratioToInitial: typeof s?.ratioToInitial === 'boolean' ? s.ratioToInitial : false,
    descent: typeof s?.descent === 'boolean' ? s.descent : false,
    logTimeChosen: typeof s?.logTimeChosen === 'boolean' ? s.logTimeChosen : false,
  };
}

/** The saved state: the view preferences and the host's PanelState (which file the panel shows). */
let saved: ViewPrefs & Partial<PanelState> = { ...loadPrefs(), ...(parsePanelState(api.getState()) ?? {}) };

/** Saves the view preferences with the webview (survives hiding and reloads of the panel). */
export function savePrefs(prefs: ViewPrefs): void {
  saved = { ...saved, ...prefs };
  api.setState(saved);
}

/** Keeps the host's part of the state so its WebviewPanelSerializer can restore the panel. */
export function saveDocument(documentUri: string): void {
  saved = { ...saved, documentUri };
  api.setState(saved);
}
