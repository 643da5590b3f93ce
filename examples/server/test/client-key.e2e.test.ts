import { connect } from 'node:net';
import { memoryStore } from '@ntpass/store-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { client, startTestServer, type TestServer } from './harness.js';

/*
 * The example server's client key and timeouts over real sockets: who counts
 * as one client for the redeem throttle, and how long a slow client may hold
 * a socket.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startTestServer>[0]) {
  server = await startTestServer({ store: memoryStore(), redeemThrottle: { maxFailures: 2 }, ...options });
  return client(server.url);
}

const guess = (call: Awaited<ReturnType<typeof start>>, forwardedFor?: string) =>
  call('POST', '/otp/ntp/acme', { _PASSWORD: 'nope12' }, { token: null, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });

describe('example server: the redeem throttle key', () => {
  it('ignores X-Forwarded-For from a proxy it does not trust: one socket address, one client', async () => {
    const call = await start({});
    expect((await guess(call, '198.51.100.1')).status).toBe(403);
    expect((await guess(call, '198.51.100.2')).status).toBe(403);
    expect((await guess(call, '198.51.100.3')).status).toBe(429);
  });

  it('believes X-Forwarded-For from a trusted proxy, so clients behind it are throttled apart', async () => {
    const call = await start({ trustedProxies: '127.0.0.1, ::1' });
    expect((await guess(call, '198.51.100.1')).status).toBe(403);
    expect((await guess(call, '198.51.100.1')).status).toBe(403);
    expect((await guess(call, '198.51.100.1')).status).toBe(429);
    // Another client behind the same proxy is not locked out, and a client cannot pose as a new one by prefixing hops.
    expect((await guess(call, '198.51.100.2')).status).toBe(403);
    expect((await guess(call, '203.0.113.1, 198.51.100.1')).status).toBe(429);
  });

  it('counts every address of one IPv6 /64 as one client', async () => {
    const call = await start({ trustedProxies: '127.0.0.1, ::1' });
    expect((await guess(call, '2001:db8:1:2::1')).status).toBe(403);
    expect((await guess(call, '2001:db8:1:2::2')).status).toBe(403);
    expect((await guess(call, '2001:db8:1:2:ffff::3')).status).toBe(429);
    expect((await guess(call, '2001:db8:1:3::1')).status).toBe(403);
  });
});

describe('example server: timeouts', () => {
  it('sets request, header and keep-alive timeouts tighter than Node defaults', async () => {
    await start({});
    expect(server?.server.requestTimeout).toBe(30_000);
    expect(server?.server.headersTimeout).toBe(10_000);
    expect(server?.server.keepAliveTimeout).toBe(5_000);
  });

  it('drops a client that sends its headers too slowly (slowloris)', async () => {
    await start({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const { port } = new URL(server?.url ?? '');
    const socket = connect(Number(port), '127.0.0.1');
    const started = Date.now();
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.write('POST /otp/ntp/acme HTTP/1.1\r\nHost: x\r\n');
    // Trickle one header line now and then, never finishing the headers.
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    clearInterval(trickle);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
