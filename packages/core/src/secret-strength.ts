/*
 * A floor under the engine secret: it keys every code and email hash, so a
 * guessable secret turns a leaked store back into plaintext (4-character
 * codes under `'x'.repeat(32)` fall in about a minute). Length alone does not
 * show that; these checks refuse the secrets people actually type.
 */

/** Fewest distinct bytes a secret must hold (after decoding a hex string). */
export const MIN_DISTINCT_SECRET_BYTES = 16;

const HEX = /^(?:[0-9a-f]{2})+$|^(?:[0-9A-F]{2})+$/;

/**
 * Why `secret` is too weak to key hashes, or `undefined` when it is not:
 * - fewer than 16 distinct bytes (a constant, a word repeated, a short
 *   alphabet) — a hex string such as `openssl rand -hex 32` is judged by the
 *   bytes it spells, since hex text never holds more than 16 distinct
 *   characters; a short hex string needs half its decoded bytes distinct;
 * - one shorter pattern repeated (`'0123456789abcdef'.repeat(2)`).
 */
export function secretWeakness(secret: string | Uint8Array): string | undefined {
  const bytes = typeof secret === 'string' && HEX.test(secret) ? Buffer.from(secret, 'hex') : toBytes(secret);
  const distinct = new Set(bytes).size;
  const needed = Math.min(MIN_DISTINCT_SECRET_BYTES, Math.ceil(bytes.length / 2));
  if (distinct < needed) {
    return `must not be a constant or low-entropy value (it has ${distinct} distinct bytes; at least ${needed} needed): use 32 random bytes, e.g. openssl rand -base64 32`;
  }
  if (repeatsPattern(bytes)) return 'must not repeat a shorter pattern: use 32 random bytes, e.g. openssl rand -base64 32';
  return undefined;
}

function toBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

/** True when `bytes` is a shorter run repeated (the last copy may be cut short). */
function repeatsPattern(bytes: Uint8Array): boolean {
  for (let period = 1; period <= bytes.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < bytes.length && repeats; i++) repeats = bytes[i] === bytes[i - period];
    if (repeats) return true;
  }
  return false;
}
