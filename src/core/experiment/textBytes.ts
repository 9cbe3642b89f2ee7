/**
 * Bytes that should be UTF-8 text, read for a message when they are not: an experiment file (the
 * CLI's reader) and a CSV data file (src/core/network/data/csv.ts) check their first bytes with the
 * same tests, and name a byte the same way.
 */

/** Windows-1252's characters for bytes 80–9F (Latin-1 has control characters there); undefined marks the five it leaves out. */
const WINDOWS_1252_80_9F = ['€', undefined, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', undefined, 'Ž', undefined, undefined, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', undefined, 'ž', 'Ÿ'];

/**
 * What a byte from 80 on is in the single-byte encodings text is most often saved in, when they show
 * a character: `{ character: "é", encodings: "Latin-1 and Windows-1252" }` (A0 on), or Windows-1252's
 * alone for 80–9F (`’`, a word processor's quote); undefined for the non-breaking space, the soft
 * hyphen and the five bytes Windows-1252 leaves out.
 */
export function singleByteCharacter(b: number): { character: string; encodings: string } | undefined {
  if (b < 0x80) return undefined;
  if (b < 0xa0) {
    const character = WINDOWS_1252_80_9F[b - 0x80];
    return character === undefined ? undefined : { character, encodings: 'Windows-1252' };
  }
  return b === 0xa0 || b === 0xad ? undefined : { character: String.fromCharCode(b), encodings: 'Latin-1 and Windows-1252' };
}

/** A byte as two upper-case hexadecimal digits: E9. */
export function hexByte(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * The offset of the first control byte other than tab, line feed, form feed and carriage return (or
 * DEL), which no text file has; −1 when none. A plain loop: the CSV reader runs it over every block.
 */
export function firstControlByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/** The bytes of the UTF-8 sequence that byte `c` starts: 1 to 4, or 0 when it starts none (a continuation byte, C0, C1, F5 and above). */
export function utf8SequenceLength(c: number): number {
  return c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
}

/**
 * The offset of the first byte of `b` that does not begin or continue a well-formed UTF-8 sequence
 * (RFC 3629: no overlong form, no surrogate, nothing past U+10FFFF), or −1. A sequence cut by the end
 * counts as ill-formed when `complete` (`b` is the whole file), and not otherwise (`b` is its first
 * block, and the sequence goes on after it).
 */
export function firstNonUtf8(b: Uint8Array, complete = true): number {
  for (let i = 0; i < b.length; ) {
    const more = utf8SequenceLength(b[i]) - 1;
    if (more < 0) return i;
    if (i + more >= b.length) return complete ? i : -1;
    if (more > 0) {
      // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0 (overlong) and F4 (past U+10FFFF).
      const c = b[i];
      const [low, high] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      if (b[i + 1] < low || b[i + 1] > high) return i;
      for (let k = 2; k <= more; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    }
    i += more + 1;
  }
  return -1;
}
