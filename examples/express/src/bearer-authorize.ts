import { createHash, timingSafeEqual } from 'node:crypto';
import type { Authorize } from '@ntpass/http';

/**
 * Allows an operator request that carries `Authorization: Bearer <token>`.
 * Compared as SHA-256 digests in constant time, so neither the token's
 * length nor its prefix leaks through timing.
 */
export function bearerAuthorize(token: string): Authorize {
  const expected = digest(token);
  return (request) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
