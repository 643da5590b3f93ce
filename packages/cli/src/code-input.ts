import { usageError } from './cli-error.js';
import type { CliIo } from './io.js';

/**
 * The `--code` value; `-` reads it from standard input, which keeps a live
 * code out of shell history and `ps`.
 */
export async function readCode(value: string, io: CliIo, command: string): Promise<string> {
  if (value !== '-') return value;
  if (io.stdin === undefined) throw usageError('--code -: no standard input to read the code from', command);
  const chunks: string[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  const code = chunks.join('').trim();
  if (code === '') throw usageError('--code -: standard input was empty', command);
  return code;
}
