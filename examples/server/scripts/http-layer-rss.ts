/*
 * The HTTP layer's own memory for a million-code bulk reply, apart from the
 * engine's: a real node:http server process whose engine is a stub that
 * returns 1,000,000 ready-made codes at once. `stream` serves them through
 * the real bulk route (NDJSON, pulled as the socket drains); `envelope`
 * through the JSON envelope the route used to build (the whole reply as one
 * string); `none` makes the codes and sends none (the stub's own cost).
 * Prints the server's RSS before the request and at its peak.
 *
 *   node --import tsx --conditions=source examples/server/scripts/http-layer-rss.ts [stream|envelope|none] [count]
 *   (the child runs this file with SERVE set)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IssuedNtpCode } from '@ntpass/core';
import { createHttpHandler, toNodeListener, type HttpEngine } from '@ntpass/http';

const mode = process.argv[2] ?? 'stream';
const count = Number(process.argv[3] ?? 1_000_000);

function codes(n: number): IssuedNtpCode[] {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const pick = (k: number) => Array.from(randomBytes(k), (b) => alphabet[b % 58]).join('');
  return Array.from({ length: n }, () => ({ token: pick(8), userId: `iusr${pick(28)}` }));
}

if (process.env['SERVE'] !== undefined) {
  const stub = { issueNtpCodes: async (o: { count?: number }) => ({ tokens: codes(o.count ?? 0) }) } as unknown as HttpEngine;
  // The old route: the whole envelope as one JSON string (what successResponse did with { tokens }).
  const envelope = async (request: Request) => {
    const { count: n } = (await request.json()) as { count: number };
    const data = await stub.issueNtpCodes({ tenantId: 't', ntpId: 'n', count: n });
    return new Response(JSON.stringify({ status: 'success', data }), { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' } });
  };
  // The codes made and dropped, nothing sent: what the engine's result alone costs.
  const none = async (request: Request) => {
    const { count: n } = (await request.json()) as { count: number };
    const { tokens } = await stub.issueNtpCodes({ tenantId: 't', ntpId: 'n', count: n });
    return new Response(String(tokens.length), { status: 201 });
  };
  const modes: Record<string, (request: Request) => Promise<Response>> = { stream: createHttpHandler(stub, { authorize: () => true }), envelope, none };
  const handler = modes[process.env['SERVE'] ?? 'stream'] ?? envelope;
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
} else {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', new URL(import.meta.url).pathname], { env: { ...process.env, SERVE: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
  try {
    const port = await new Promise<string>((resolve) => child.stdout.on('data', (c: Buffer) => { const m = /port (\d+)/.exec(c.toString()); if (m?.[1]) resolve(m[1]); }));
    const idle = kib('VmRSS');
    const lines = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/ntp/v1/tenants/t/instances/n/codes/bulk', headers: { 'content-type': 'application/json', accept: mode === 'stream' ? 'application/x-ndjson' : 'application/json' } }, (res) => {
        let n = 0;
        res.on('data', (chunk: Buffer) => { for (const b of chunk) if (b === 0x0a || b === 0x7d) n += 1; });
        res.on('end', () => resolve(n));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ count }));
    });
    console.log(`${mode}: ${count} codes (${lines} line or object ends); server RSS idle ${(idle / 1024).toFixed(0)} MB, peak ${(kib('VmHWM') / 1024).toFixed(0)} MB`);
  } finally {
    child.kill();
  }
}
