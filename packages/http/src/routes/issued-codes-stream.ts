import type { IssuedNtpCode } from '@ntpass/core';

/** The streamed formats of a bulk issue reply. */
export type IssuedCodesFormat = 'ndjson' | 'csv';

/** Media types of the streamed formats, as `Accept` names them. */
export const ISSUED_CODES_MEDIA_TYPES: { readonly [F in IssuedCodesFormat]: string } = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};

/** Most codes a bulk issue answers in the JSON envelope; more must be streamed. */
export const MAX_ENVELOPE_CODES = 10_000;

// Lines encoded per chunk: large enough for few syscalls, small enough to keep the buffer tiny.
const LINES_PER_CHUNK = 2_000;

/** The streamed format the `Accept` header asks for, or `undefined` for the JSON envelope. */
export function streamedFormat(request: Request): IssuedCodesFormat | undefined {
  const accept = (request.headers.get('accept') ?? '').toLowerCase();
  // The first of the two the client lists wins; media type parameters (q=…) are ignored.
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim() ?? '');
  for (const type of types) {
    if (type === ISSUED_CODES_MEDIA_TYPES.ndjson) return 'ndjson';
    if (type === ISSUED_CODES_MEDIA_TYPES.csv) return 'csv';
  }
  return undefined;
}

/** Codes to stream, read by position: the engine's packed codes, or an array. */
export interface IssuedCodesSource {
  readonly count: number;
  at(index: number): IssuedNtpCode;
}

/** An array of codes as a {@link IssuedCodesSource} (an engine wrapper without `issueNtpCodesPacked`). */
export function codesOfArray(tokens: readonly IssuedNtpCode[]): IssuedCodesSource {
  return { count: tokens.length, at: (i) => tokens[i]! };
}

/**
 * A 201 whose body is the issued codes, one per line, pulled as the socket
 * drains: NDJSON (`{"token":…,"userId":…}` per line) or CSV (`token,userId`
 * header, then one row per code). Codes are read from `codes` a chunk at a
 * time, so the reply holds at most one chunk of text beside the engine's
 * packed codes. Codes and user ids are base58: no CSV quoting is needed.
 */
export function issuedCodesResponse(codes: IssuedCodesSource, format: IssuedCodesFormat): Response {
  const encoder = new TextEncoder();
  const { count } = codes;
  let next = 0;
  let headerSent = format !== 'csv';
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        let text = '';
        if (!headerSent) {
          text = 'token,userId\r\n';
          headerSent = true;
        }
        const end = Math.min(count, next + LINES_PER_CHUNK);
        for (; next < end; next++) {
          const { token, userId } = codes.at(next);
          text += format === 'csv' ? `${token},${userId}\r\n` : `${JSON.stringify({ token, userId })}\n`;
        }
        if (text !== '') controller.enqueue(encoder.encode(text));
        if (next >= count) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    status: 201,
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-ntpass-count': String(count),
    },
  });
}
