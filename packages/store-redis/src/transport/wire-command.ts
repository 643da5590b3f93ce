import { Command } from 'ioredis';

/*
 * A command whose RESP bytes are built here, once, into one Buffer.
 *
 * ioredis's Command.toWritable concatenates a string per argument (a
 * redemption's EVALSHA has 14), which the socket then has to flatten and
 * encode again on write: together a sixth of the bytes Node allocated per
 * redemption. The bytes written are exactly those: `*<n>\r\n`, then per
 * argument `$<UTF-8 length>\r\n<UTF-8>\r\n`, numbers as `String(n)`, as
 * ioredis writes them. ioredis still queues the command and matches its
 * reply; only the encoding is done here.
 */

/** `*`, `$`, `\r`, `\n` as bytes. */
const STAR = 42;
const DOLLAR = 36;
const CR = 13;
const LF = 10;

/** 10^k for k = 0..16: a safe integer has at most 16 digits. */
const POWERS = Array.from({ length: 17 }, (_, k) => 10 ** k);

/** Digits of a non-negative safe integer. */
function digits(n: number): number {
  let d = 1;
  while (d < 16 && n >= POWERS[d]!) d++;
  return d;
}

/** Writes a non-negative safe integer in decimal at `at`; returns the offset after it. */
function writeNumber(buf: Buffer, at: number, n: number): number {
  const len = digits(n);
  for (let i = at + len - 1, v = n; i >= at; i--, v = Math.floor(v / 10)) buf[i] = 48 + (v % 10);
  return at + len;
}

/** A number written as its digits, with no string made: what String(n) gives for these. */
const plainInteger = (a: string | number): a is number => typeof a === 'number' && Number.isSafeInteger(a) && a >= 0 && !Object.is(a, -0);

/**
 * Where commands are assembled before being copied out at their exact size:
 * one pass writes each argument's header and bytes. Reused by every call
 * (respBytes runs to its end without yielding); grown when a command is larger.
 */
let scratch = Buffer.allocUnsafeSlow(16 * 1024);

/** Room for `more` bytes after `at`, growing the scratch buffer (keeping what is written). */
function ensure(at: number, more: number): void {
  if (at + more <= scratch.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, at + more));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

/** Writes `$<length>\r\n<bytes>\r\n` of a string at `at`; returns the offset after it. */
function writeString(at: number, text: string): number {
  const n = text.length;
  // Most arguments are ASCII (a SHA, keys, numbers as text): copied here, byte = UTF-16 unit.
  ensure(at, n + 24);
  const start = at;
  scratch[at++] = DOLLAR;
  at = writeNumber(scratch, at, n);
  scratch[at++] = CR;
  scratch[at++] = LF;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x80) return writeUtf8(start, text);
    scratch[at++] = c;
  }
  scratch[at++] = CR;
  scratch[at++] = LF;
  return at;
}

/** As writeString, for a string with a non-ASCII character: its UTF-8 length first. */
function writeUtf8(at: number, text: string): number {
  const length = Buffer.byteLength(text, 'utf8');
  ensure(at, length + 24);
  scratch[at++] = DOLLAR;
  at = writeNumber(scratch, at, length);
  scratch[at++] = CR;
  scratch[at++] = LF;
  at += scratch.write(text, at, length, 'utf8');
  scratch[at++] = CR;
  scratch[at++] = LF;
  return at;
}

/**
 * The RESP bytes of the command `name` with `args`, as ioredis sends them:
 * strings as UTF-8, numbers as `String(n)`.
 */
export function respBytes(name: string, args: readonly (string | number)[]): Buffer {
  ensure(0, 16);
  scratch[0] = STAR;
  let at = writeNumber(scratch, 1, args.length + 1);
  scratch[at++] = CR;
  scratch[at++] = LF;
  at = writeString(at, name);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (plainInteger(a)) {
      const len = digits(a);
      ensure(at, len + 8);
      scratch[at++] = DOLLAR;
      at = writeNumber(scratch, at, len);
      scratch[at++] = CR;
      scratch[at++] = LF;
      at = writeNumber(scratch, at, a);
      scratch[at++] = CR;
      scratch[at++] = LF;
    } else at = writeString(at, typeof a === 'string' ? a : String(a));
  }
  const out = Buffer.allocUnsafe(at);
  scratch.copy(out, 0, 0, at);
  return out;
}

type CommandOptions = NonNullable<ConstructorParameters<typeof Command>[2]>;

/**
 * An ioredis Command that writes prepared bytes. Its `args` (what is sent,
 * key prefix applied) are kept for ioredis's error details; the constructor
 * is given none, so ioredis neither copies nor converts them and does not
 * prefix keys again: pass no `keyPrefix` in `options`.
 *
 * It is also what a store's deadline queue fails when no reply came in time
 * (`expire`, with the message set by the sender), so a call needs no closure.
 */
export class WireCommand extends Command {
  private readonly wire: Buffer;
  /** For the message of `expire()`: the store operation, its budget left when sent, and the connection. */
  operation = '';
  budgetMs = 0;
  connection: { readonly status: string } | undefined = undefined;

  constructor(name: string, args: (string | number)[], options: CommandOptions) {
    super(name, [], options);
    this.args = args;
    this.wire = respBytes(name, args);
  }

  override toWritable(): Buffer {
    return this.wire;
  }

  /** No reply in time: rejects, as ioredis's own commandTimeout does; a reply that comes later is dropped. */
  expire(): void {
    const status = this.connection?.status ?? 'unknown';
    this.reject(new Error(`${this.operation}: no reply from Redis within ${this.budgetMs} ms (connection status "${status}"); outcome unknown`));
  }
}
