/**
 * The colours of a sweep (src/core/figures/colours.ts): every value visible on the page (contrast
 * against the background) and neighbouring values distinguishable (CIE L*a*b* distance, computed
 * here independently of the module), on a dark and a light editor background.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrast, hsl, LIGHT_FIGURE, sweepColours, SWEEP_CONTRAST } from '../../../src/core/figures/colours';

function rgb(hexColour: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(hexColour);
  assert.ok(m, hexColour);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** sRGB → CIE L*a*b* (D65), from the standard formulas. */
function lab([r, g, b]: [number, number, number]): [number, number, number] {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

function deltaE(a: string, b: string): number {
  const [l1, a1, b1] = lab(rgb(a));
  const [l2, a2, b2] = lab(rgb(b));
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

const BACKGROUNDS: Record<string, [number, number, number]> = { dark: [30, 30, 30], light: [255, 255, 255], darkBlue: [0, 36, 81], solarizedLight: [253, 246, 227] };

test('sweep colours: visible on the background, neighbours distinguishable, up to 12 values', () => {
  for (const [name, bg] of Object.entries(BACKGROUNDS)) {
    for (let n = 1; n <= 12; n++) {
      const colours = sweepColours(n, bg);
      assert.equal(colours.length, n);
      assert.equal(new Set(colours).size, n, `${name} ${n}: ${colours.join(' ')}`);
      for (const c of colours) assert.ok(contrast(rgb(c), bg) >= Math.min(SWEEP_CONTRAST.dark, SWEEP_CONTRAST.light) - 0.1, `${name} ${n}: ${c} contrast ${contrast(rgb(c), bg)}`);
      const worst = Math.min(...colours.slice(1).map((c, i) => deltaE(c, colours[i])));
      // The phase example's sweep has 7 values; ΔE ≈ 2.3 is a just-noticeable difference.
      const need = n <= 8 ? 20 : 10;
      if (n > 1) assert.ok(worst >= need, `${name}, ${n} values: neighbours ΔE ${worst.toFixed(1)} < ${need}: ${colours.join(' ')}`);
    }
  }
  assert.deepEqual(sweepColours(0, [0, 0, 0]), []);
});

test('hsl and contrast agree with known values', () => {
  assert.deepEqual(hsl(0, 1, 0.5), [255, 0, 0]);
  assert.deepEqual(hsl(240, 1, 0.5), [0, 0, 255]);
  assert.deepEqual(hsl(120, 0, 0.5), [128, 128, 128]);
  assert.ok(Math.abs(contrast([0, 0, 0], [255, 255, 255]) - 21) < 1e-9);
  assert.ok(Math.abs(contrast([119, 119, 119], [255, 255, 255]) - 4.48) < 0.01);
  // The light figure palette's lines are readable on white.
  for (const k of ['red', 'blue', 'green', 'yellow', 'orange', 'purple'] as const) assert.ok(contrast(rgb(LIGHT_FIGURE[k]), [255, 255, 255]) >= 3, k);
});
