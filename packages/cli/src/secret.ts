import { readFile } from 'node:fs/promises';
import { ioError, usageError } from './cli-error.js';
import type { CliIo } from './io.js';

/** The engine's minimum secret length (SPEC §2). */
const MIN_SECRET_BYTES = 32;

const HOW =
  'set NTPASS_SECRET or pass --secret-file FILE with the secret your app gives createEngine({ secret }) ' +
  '(codes issued under one secret never redeem under another). A new one: ' +
  `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/**
 * The HMAC secret, from `--secret-file` or else `NTPASS_SECRET`. Never from a
 * flag's value (it would sit in shell history and `ps`), never a built-in
 * default (codes hashed under a guessable key are guessable): without one the
 * CLI refuses to run.
 */
export async function readSecret(secretFile: string | undefined, io: CliIo): Promise<string> {
  let secret: string;
  let source: string;
  if (secretFile !== undefined) {
    source = `--secret-file ${secretFile}`;
    try {
      // A trailing newline is an editor's, not the secret's.
      secret = (await readFile(secretFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw ioError(`--secret-file: cannot read ${secretFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    }
  } else {
    source = 'NTPASS_SECRET';
    secret = io.env['NTPASS_SECRET'] ?? '';
    if (secret === '') throw usageError(`no HMAC secret: ${HOW}`);
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw usageError(`the secret from ${source} is ${bytes} bytes; it must be at least ${MIN_SECRET_BYTES}`);
  }
  return secret;
}
