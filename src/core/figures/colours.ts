/**
 * Colours that carry meaning in figures (docs/panel.md, "Sweeps"): the ordered colours of a sweep's
 * values, and the fixed light palette of exported figures. Pure functions, no DOM.
 */

export type Rgb = readonly [number, number, number];

/** sRGB channel (0–255) → linear light. */
function linear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance (WCAG 2): 0 for black, 1 for white. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio of two colours, 1 … 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** HSL (h in degrees, s and l in 0 … 1) → sRGB 0–255. */
export function hsl(h: number, s: number, l: number): [number, number, number] {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('')}`;
}

/** Contrast of every sweep colour against a dark background and against a light one (WCAG asks 3:1 of graphics). */
export const SWEEP_CONTRAST = { dark: 5, light: 3.5 } as const;

/** CIE L*a*b* (D65) → sRGB 0–255; null outside the sRGB gamut. */
export function labToRgb(l: number, a: number, b: number): [number, number, number] | null {
  const fy = (l + 16) / 116;
  const inv = (t: number): number => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const x = inv(fy + a / 500) * 0.95047;
  const y = inv(fy);
  const z = inv(fy - b / 200) * 1.08883;
  const lin = [3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z, 0.0557 * x - 0.204 * y + 1.057 * z];
  if (lin.some((c) => c < -1e-6 || c > 1 + 1e-6)) return null;
  const [r, g, bl] = lin.map((c) => {
    const v = Math.min(1, Math.max(0, c));
    return Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
  });
  return [r, g, bl];
}

/** The CIE lightness L* of a relative luminance Y. */
function lightnessOf(y: number): number {
  return 116 * (y > 216 / 24389 ? Math.cbrt(y) : ((24389 / 27) * y + 16) / 116) - 16;
}

/** The hues of a sweep, as CIE LCh hue angles: from blue (285°) down through cyan, green, yellow and red to magenta (−5°). */
const HUE_FIRST = 285;
const HUE_SPAN = 290;
const MAX_CHROMA = 62;

/**
 * `n` colours for the ordered values of a sweep on `background`: CIE LCh hues evenly spaced from
 * blue through cyan, green, yellow, orange and red to magenta, so that the order reads as a spectrum
 * and neighbouring values differ by 290°/(n − 1) of hue — in a perceptual space, so that no two
 * neighbours come out alike as they do when stepping through RGB (issue 10); all at the one
 * lightness that gives the contrast SWEEP_CONTRAST against the background (lighter than a dark
 * background, darker than a light one), with the largest chroma (≤ 62) that sRGB holds at each hue.
 */
export function sweepColours(n: number, background: Rgb): string[] {
  if (!(n > 0)) return [];
  const yb = luminance(background);
  const dark = yb < 0.18;
  const y = dark ? SWEEP_CONTRAST.dark * (yb + 0.05) - 0.05 : (yb + 0.05) / SWEEP_CONTRAST.light - 0.05;
  const l = Math.min(92, Math.max(25, lightnessOf(Math.min(1, Math.max(0, y)))));
  return Array.from({ length: n }, (_, i) => {
    const h = ((HUE_FIRST - (n === 1 ? 0 : (HUE_SPAN * i) / (n - 1))) * Math.PI) / 180;
    // The largest chroma inside the gamut at this lightness and hue, by bisection.
    let lo = 0;
    let hi = MAX_CHROMA;
    if (labToRgb(l, hi * Math.cos(h), hi * Math.sin(h))) lo = hi;
    else for (let k = 0; k < 24; k++) {
      const mid = (lo + hi) / 2;
      if (labToRgb(l, mid * Math.cos(h), mid * Math.sin(h))) lo = mid;
      else hi = mid;
    }
    return hex(labToRgb(l, lo * Math.cos(h), lo * Math.sin(h)) ?? [128, 128, 128]);
  });
}

/**
 * The palette of an exported figure on a light background (Export Chart, "light"), whatever the
 * editor's theme: dark, saturated lines on white, as a printed page wants them.
 */
export const LIGHT_FIGURE = {
  foreground: '#1a1a1a',
  background: '#ffffff',
  grid: 'rgba(0, 0, 0, 0.12)',
  red: '#c62828',
  blue: '#1565c0',
  green: '#2e7d32',
  yellow: '#9a7400',
  orange: '#d35400',
  purple: '#6a1b9a',
} as const;
