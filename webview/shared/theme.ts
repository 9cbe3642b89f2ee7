import { LIGHT_FIGURE, sweepColours } from '../../src/core/figures/colours';

/**
 * Chart colours and fonts from the VS Code theme's CSS variables, re-read when the theme changes.
 * VS Code sets the variables on <html> and toggles `vscode-dark`/`vscode-light`/… on <body>
 * (and `data-vscode-theme-kind`).
 */
export interface Palette {
  red: string;
  blue: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  foreground: string;
  background: string;
  /** Grid and tick lines: the foreground, faint. */
  grid: string;
  /** The background as RGB (the sweep's colours are chosen against it). */
  backgroundRgb: [number, number, number];
  fontFamily: string;
  fontSize: number;
}

const FALLBACK_DARK = { red: '#f14c4c', blue: '#3794ff', green: '#89d185', yellow: '#cca700', orange: '#d18616', purple: '#b180d7', foreground: '#cccccc', background: '#1e1e1e' };
const FALLBACK_LIGHT = { red: '#e51400', blue: '#1a85ff', green: '#388a34', yellow: '#bf8803', orange: '#d18616', purple: '#652d90', foreground: '#616161', background: '#ffffff' };

/** Resolves any CSS colour to `rgb(...)`/`rgba(...)` through the browser, so alpha can be applied. */
export function resolveColour(probe: HTMLElement, css: string): [number, number, number] | null {
  probe.style.color = '';
  probe.style.color = css;
  const m = /rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(getComputedStyle(probe).color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function isLight(): boolean {
  const kind = document.body.dataset.vscodeThemeKind ?? '';
  return kind.includes('light') || (document.body.classList.contains('vscode-light') && !kind.includes('dark'));
}

/** Reads the current palette from the theme. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const fallback = isLight() ? FALLBACK_LIGHT : FALLBACK_DARK;
  const v = (name: string, dflt: string): string => style.getPropertyValue(name).trim() || dflt;
  const foreground = v('--vscode-foreground', fallback.foreground);
  const probe = document.createElement('span');
  probe.hidden = true;
  document.body.appendChild(probe);
  const fg = resolveColour(probe, foreground) ?? [128, 128, 128];
  const background = v('--vscode-editor-background', fallback.background);
  const backgroundRgb = resolveColour(probe, background) ?? (isLight() ? [255, 255, 255] : [30, 30, 30]);
  probe.remove();
  const size = parseFloat(v('--vscode-font-size', '13'));
  return {
    red: v('--vscode-charts-red', fallback.red),
    blue: v('--vscode-charts-blue', fallback.blue),
    green: v('--vscode-charts-green', fallback.green),
    yellow: v('--vscode-charts-yellow', fallback.yellow),
    orange: v('--vscode-charts-orange', fallback.orange),
    purple: v('--vscode-charts-purple', fallback.purple),
    foreground,
    background,
    backgroundRgb,
    grid: `rgba(${fg[0]}, ${fg[1]}, ${fg[2]}, 0.14)`,
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(size) && size > 0 ? size : 13,
  };
}

/** Calls `onChange` (once per frame at most) whenever the theme may have changed. */
export function watchTheme(onChange: () => void): void {
  let pending = false;
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'] });
  // The variables themselves live in <html style="…">.
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

/** The colours of a sweep's `n` values on this palette's background (src/core/figures/colours.ts). */
export function sweepColoursOf(palette: Pick<Palette, 'backgroundRgb'>, n: number): string[] {
  return sweepColours(n, palette.backgroundRgb);
}

/**
 * The palette of an exported figure on a light page (Export Chart, "light background"), whatever
 * the editor's theme: print colours on white, the font of the page.
 */
export function lightPalette(base: Pick<Palette, 'fontFamily' | 'fontSize'>): Palette {
  return { ...LIGHT_FIGURE, backgroundRgb: [255, 255, 255], fontFamily: base.fontFamily, fontSize: base.fontSize };
}
