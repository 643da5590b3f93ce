import { describe, expect, it } from 'vitest';
import { clientKeyOf, ipv6Slash64, NO_PROXIES, parseTrustedProxies } from '../src/client-address.js';

describe('the redeem throttle key of a request', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientKeyOf('203.0.113.7', '198.51.100.1', NO_PROXIES)).toBe('203.0.113.7');
    expect(clientKeyOf('::ffff:203.0.113.7', null, NO_PROXIES)).toBe('203.0.113.7');
    expect(clientKeyOf(undefined, '198.51.100.1', NO_PROXIES)).toBeUndefined();
  });

  it('groups IPv6 clients by /64: every address of one host network is one client', () => {
    const a = clientKeyOf('2001:db8:1:2::1', null, NO_PROXIES);
    const b = clientKeyOf('2001:0db8:0001:0002:ffff:ffff:ffff:fffe', null, NO_PROXIES);
    expect(a).toBe('2001:db8:1:2::/64');
    expect(b).toBe(a);
    expect(clientKeyOf('2001:db8:1:3::1', null, NO_PROXIES)).not.toBe(a);
    expect(ipv6Slash64('::1')).toBe('0:0:0:0::/64');
    expect(ipv6Slash64('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipv6Slash64('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('believes X-Forwarded-For only from trusted proxies, taking the right-most untrusted hop', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8, 192.168.1.10, fd00::/8');
    // Socket is a trusted proxy: the hop it saw is the client; what the client wrote further left is ignored.
    expect(clientKeyOf('10.1.2.3', '1.1.1.1, 203.0.113.9', trusted)).toBe('203.0.113.9');
    // Two proxies in a row.
    expect(clientKeyOf('10.1.2.3', '203.0.113.9, 192.168.1.10', trusted)).toBe('203.0.113.9');
    expect(clientKeyOf('fd00::5', '[2001:db8:aa:bb::7]:443, 10.0.0.1', trusted)).toBe('2001:db8:aa:bb::/64');
    expect(clientKeyOf('10.1.2.3', '203.0.113.9:5555', trusted)).toBe('203.0.113.9');
    // An untrusted socket's header is a lie it may tell freely.
    expect(clientKeyOf('203.0.113.50', '10.0.0.1', trusted)).toBe('203.0.113.50');
    // A trusted proxy without the header, or with garbage: the proxy itself (one shared key, never a forged one).
    expect(clientKeyOf('10.1.2.3', null, trusted)).toBe('10.1.2.3');
    expect(clientKeyOf('10.1.2.3', 'unknown', trusted)).toBe('10.1.2.3');
    expect(clientKeyOf('10.1.2.3', '203.0.113.9, garbage', trusted)).toBe('10.1.2.3');
  });

  it('refuses a malformed trusted-proxy list, naming the entry', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.1/8/1', 'fd00::/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(bad)).toThrow(/not an IP address or CIDR range/);
    }
    expect(parseTrustedProxies('').has('10.0.0.1')).toBe(false);
    expect(parseTrustedProxies('10.0.0.1').has('::ffff:10.0.0.1')).toBe(true);
  });
});
