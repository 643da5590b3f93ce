/*
 * Peak memory of a real example-server process issuing a million codes over
 * HTTP, streamed as NDJSON (SPEC §3.2, issue 13 item 8). Starts the server as
 * its own Node process on a fresh SQLite file, asks for the codes, counts the
 * lines as they arrive, and reads the server's peak RSS (VmHWM) from /proc.
 *
 *   node --import tsx --conditions=source examples/server/scripts/measure-bulk-rss.ts [count] [ndjson|csv|json]
 *
 * Linux only (/proc). Prints one line: count, format, seconds, peak RSS.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const count = Number(process.argv[2] ?? 1_000_000);
const format = process.argv[3] ?? 'ndjson';
const accept = { ndjson: 'application/x-ndjson', csv: 'text/csv', json: 'application/json' }[format] ?? 'application/x-ndjson';
const dir = mkdtempSync(join(tmpdir(), 'ntpass-rss-'));
const token = randomBytes(16).toString('hex');
const main = new URL('../src/main.ts', import.meta.url).pathname;

const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', main], {
  env: { ...process.env, PORT: '0', NTPASS_ADMIN_TOKEN: token, NTPASS_SECRET: randomBytes(32).toString('base64url'), NTPASS_SQLITE_FILE: join(dir, 'ntpass.db') },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);

try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/ntp/v1/tenants/rss/instances`, { method: 'POST', headers, body: JSON.stringify({ objectId: 'o', ticketLength: 8 }) });
  const { data } = (await created.json()) as { data: { ntpId: string } };
  const idle = kib('VmRSS');
  const started = Date.now();
  // node:http, not fetch: fetch gives up on response headers after 300 s, and the
  // headers of an all-or-nothing bulk issue come only once every code is issued.
  const { status, lines, bytes } = await new Promise<{ status: number; lines: number; bytes: number }>((resolve, reject) => {
    const body = JSON.stringify({ count });
    const req = request(`${url}/ntp/v1/tenants/rss/instances/${data.ntpId}/codes/bulk`, { method: 'POST', headers: { ...headers, accept } }, (res) => {
      let lines = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${count} codes as ${format}: status ${status}, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; ` +
      `server RSS idle ${(idle / 1024).toFixed(0)} MB, peak ${(kib('VmHWM') / 1024).toFixed(0)} MB`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
