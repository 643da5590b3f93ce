import { BlockList, isIP } from 'node:net';

/*
 * Who is asking, for the redeem throttle. The socket address, unless it is a
 * proxy the host trusts: then the right-most X-Forwarded-For entry that is not
 * itself a trusted proxy (entries further left are whatever the client wrote).
 * IPv6 clients are grouped by their /64, because one host owns a whole /64
 * and could otherwise take a fresh address for every guess.
 */

/** Which proxies may tell us the client address. */
export interface TrustedProxies {
  /** True when `address` is one of the trusted proxies. */
  has(address: string): boolean;
}

/**
 * Parses a trusted-proxy list: comma-separated addresses or CIDR ranges, IPv4
 * or IPv6 (`10.0.0.0/8, 192.168.1.10, fd00::/8`). Throws naming the first bad entry.
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  const blocks = new BlockList();
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    }
    blocks.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { has: (address) => contains(blocks, address) };
}

/** No trusted proxy: the socket address is the client. */
export const NO_PROXIES: TrustedProxies = { has: () => false };

function contains(blocks: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  return family !== 0 && blocks.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The throttle key of a request: the client's IPv4 address, or its IPv6 /64
 * as `"2001:db8:1:2::/64"`. `undefined` when there is no usable address.
 */
export function clientKeyOf(socketAddress: string | undefined, forwardedFor: string | null, trusted: TrustedProxies): string | undefined {
  if (socketAddress === undefined) return undefined;
  let client = unmapped(socketAddress);
  if (trusted.has(client) && forwardedFor !== null) {
    const hops = forwardedFor.split(',').map((hop) => unmapped(stripPort(hop.trim())));
    // Walk from the proxy nearest us outwards; the first hop we do not trust is the client.
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (isIP(hop) === 0) break; // garbage: keep the last trusted address rather than believe it
      client = hop;
      if (!trusted.has(hop)) break;
    }
  }
  return isIP(client) === 6 ? ipv6Slash64(client) : isIP(client) === 4 ? client : undefined;
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) as `192.0.2.1`. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

/** `"192.0.2.1:5555"` and `"[2001:db8::1]:443"` without their port; a bare address as it is. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4?.[1] ?? hop;
}

/** The /64 network of an IPv6 address, in one spelling: `"2001:db8:0:1::/64"`. */
export function ipv6Slash64(address: string): string {
  const groups = expandIpv6(address.split('%')[0] as string).slice(0, 4);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}
