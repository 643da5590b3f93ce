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

const digits = (n: number): number => (n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : String(n).length);

function writeNumber(buf: Buffer, at: number, n: number): number {
  const len = digits(n);
  for (let i = at + len - 1, v = n; i >= at; i--, v = Math.floor(v / 10)) buf[i] = 48 + (v % 10);
  return at + len;
}

/** The RESP bytes of the command `name` with `args` (strings, as ioredis would send them). */
export function respBytes(name: string, args: readonly string[]): Buffer {
  const lengths = new Array<number>(args.length);
  const nameLength = Buffer.byteLength(name, 'utf8');
  let size = 1 + digits(args.length + 1) + 2 + 1 + digits(nameLength) + 2 + nameLength + 2;
  for (let i = 0; i < args.length; i++) {
    const length = Buffer.byteLength(args[i]!, 'utf8');
    lengths[i] = length;
    size += 1 + digits(length) + 2 + length + 2;
  }
  const buf = Buffer.allocUnsafe(size);
  buf[0] = STAR;
  let at = writeNumber(buf, 1, args.length + 1);
  buf[at++] = CR;
  buf[at++] = LF;
  buf[at++] = DOLLAR;
  at = writeNumber(buf, at, nameLength);
  buf[at++] = CR;
  buf[at++] = LF;
  at += buf.write(name, at, 'utf8');
  buf[at++] = CR;
  buf[at++] = LF;
  for (let i = 0; i < args.length; i++) {
    buf[at++] = DOLLAR;
    at = writeNumber(buf, at, lengths[i]!);
    buf[at++] = CR;
    buf[at++] = LF;
    if (lengths[i]! > 0) at += buf.write(args[i]!, at, 'utf8');
    buf[at++] = CR;
    buf[at++] = LF;
  }
  return buf;
}

type CommandOptions = NonNullable<ConstructorParameters<typeof Command>[2]>;

/**
 * An ioredis Command that writes prepared bytes. Its `args` (the strings
 * sent, key prefix applied) are kept for ioredis's error details; the
 * constructor is given none, so ioredis neither copies nor converts them
 * and does not prefix keys again: pass no `keyPrefix` in `options`.
 */
export class WireCommand extends Command {
  private readonly wire: Buffer;

  constructor(name: string, args: string[], options: CommandOptions) {
    super(name, [], options);
    this.args = args;
    this.wire = respBytes(name, args);
  }

  override toWritable(): Buffer {
    return this.wire;
  }
}
