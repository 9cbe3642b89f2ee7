/**
 * Every message between the extension host and the dynamics webview, imported by both sides.
 * The host never posts before the webview has said `ready`; every message from the webview is
 * checked with `parseFromWebview` before it is used.
 */
import type { Trajectory } from './core/trajectory';

/** The hyperparameters the panel's controls edit, by their JSON path in the experiment file. */
export const CONTROL_KEYS = [
  'model.width',
  'model.outputScale',
  'init.scaleU',
  'init.scaleW',
  'learningRates.u',
  'learningRates.W',
  'data.y',
] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

export interface ControlState {
  key: ControlKey;
  /** Current value in the document; null when the document's form has no such value (e.g. explicit init). */
  value: number | null;
  /** Slider range (log scale unless `linear`). */
  min: number;
  max: number;
  linear: boolean;
  integer: boolean;
}

export interface ErrorInfo {
  message: string;
  /** One-based line and column in the experiment file. */
  line: number;
  column: number;
}

export type ToWebview =
  | {
      type: 'update';
      /**
       * Increases with every newer state of the document the panel shows (a per-panel sequence,
       * since a document's own version restarts when it is reopened); `invalid` and `busy` share it.
       */
      version: number;
      title: string;
      trajectory: Trajectory;
      /** Gradient descent at the experiment's rates, when compared. */
      simulation: Trajectory | null;
      /** Largest |ζ_simulated − ζ_exact| over common times, when compared. */
      deviation: number | null;
      controls: ControlState[];
      compareSimulate: boolean;
    }
  | { type: 'invalid'; version: number; errors: ErrorInfo[]; controls: ControlState[] | null }
  | { type: 'busy'; version: number }
  | { type: 'closed'; reason: string }
  | { type: 'exportChart'; requestId: number }
  /**
   * Which file the panel shows; posted first after every `ready` and again after a rename. The
   * webview keeps `{ documentUri }` in `setState` (merged with its own view preferences) so that
   * the host's WebviewPanelSerializer can reopen the panel on that file after a window reload.
   */
  | { type: 'document'; documentUri: string; fileName: string };

/** The part of the webview's saved state that the host reads back when it restores a panel. */
export interface PanelState {
  documentUri: string;
}

/** Reads the host's part of a restored webview state; null when it is missing or malformed. */
export function parsePanelState(state: unknown): PanelState | null {
  if (typeof state !== 'object' || state === null) return null;
  const uri = (state as Record<string, unknown>).documentUri;
  return typeof uri === 'string' && uri.length > 0 && uri.length < 10_000 ? { documentUri: uri } : null;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'setValue'; key: ControlKey; value: number; final: boolean }
  | { type: 'setCompare'; simulate: boolean }
  | { type: 'chartImage'; requestId: number; dataUrl: string }
  | { type: 'reveal'; line: number; column: number };

/** Validates a message from the webview; returns null for anything malformed. */
export function parseFromWebview(message: unknown): FromWebview | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setValue':
      if (typeof m.key === 'string' && (CONTROL_KEYS as readonly string[]).includes(m.key) && finite(m.value) && typeof m.final === 'boolean') {
        return { type: 'setValue', key: m.key as ControlKey, value: m.value, final: m.final };
      }
      return null;
    case 'setCompare':
      return typeof m.simulate === 'boolean' ? { type: 'setCompare', simulate: m.simulate } : null;
    case 'chartImage':
      if (finite(m.requestId) && typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,') && m.dataUrl.length < 50_000_000) {
        return { type: 'chartImage', requestId: m.requestId, dataUrl: m.dataUrl };
      }
      return null;
    case 'reveal':
      if (finite(m.line) && finite(m.column) && m.line >= 1 && m.column >= 1) return { type: 'reveal', line: Math.floor(m.line), column: Math.floor(m.column) };
      return null;
    default:
      return null;
  }
}
