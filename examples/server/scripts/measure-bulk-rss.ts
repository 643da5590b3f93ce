/*
 * Peak memory of a real example-server process issuing a million codes over
 * HTTP, streamed as NDJSON (SPEC §3.2, issue 13 item 8). Starts the server as
 * its own Node process on a fresh SQLite file, asks for the codes, checks
 * the lines as they arrive, and reads the server's peak RSS (VmHWM) from
 * /proc. Also run by test/bulk-rss.e2e.test.ts.
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
import { pathToFileURL } from 'node:url';

export type BulkFormat = 'ndjson' | 'csv' | 'json';

/** What one measured bulk issue did. */
export interface BulkRss {
  readonly status: number;
  /** Lines of the reply (a CSV reply has a header line more than codes). */
  readonly lines: number;
  /** Distinct tokens among the lines (NDJSON and CSV). */
  readonly distinctTokens: number;
  readonly bytes: number;
  readonly seconds: number;
  /** The server's RSS before the request and at its peak, in bytes. */
  readonly idleRss: number;
  readonly peakRss: number;
}

const ACCEPT: Readonly<Record<BulkFormat, string>> = { ndjson: 'application/x-ndjson', csv: 'text/csv', json: 'application/json' };

/** The token of one reply line, or `undefined` for a header or an envelope. */
function tokenOf(line: string, format: BulkFormat): string | undefined {
  if (format === 'ndjson') return (JSON.parse(line) as { token: string }).token;
  if (format === 'csv') return line.startsWith('token,') ? undefined : line.slice(0, line.indexOf(','));
  return undefined;
}

/** Starts the example server in its own process, issues `count` codes in one bulk call as `format`, and measures it. */
/** The V8 flags the example server runs with where memory is budgeted: 8 MB semi-spaces, a 160 MB old space. */
export const BUDGET_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=160'] as const;

export async function measureBulkRss(count: number, format: BulkFormat): Promise<BulkRss> {
  const dir = mkdtempSync(join(tmpdir(), 'ntpass-rss-'));
  const token = randomBytes(16).toString('hex');
  const main = new URL('../src/main.ts', import.meta.url).pathname;
  // V8 sizes its heap from the machine's memory, and Node 24's V8 lets the young generation grow far
  // past Node 20's: on a 24 GiB machine the same million-code call peaked at 421 MB RSS on Node 24
  // with default flags (262 MB on Node 20), the difference being garbage not yet collected; capping
  // only the semi-spaces left it at 279–305 MB. A server that must keep to a memory budget tells V8
  // so, as this one is run (examples/server/README.md); the engine's live heap here is ~80 MB.
  const child = spawn(process.execPath, [...BUDGET_FLAGS, '--import', 'tsx', '--conditions=source', main], {
    env: { ...process.env, PORT: '0', NTPASS_ADMIN_TOKEN: token, NTPASS_SECRET: randomBytes(32).toString('base64url'), NTPASS_SQLITE_FILE: join(dir, 'ntpass.db') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bytesOf = (field: string) => 1024 * Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
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
    const idleRss = bytesOf('VmRSS');
    const started = Date.now();
    // node:http, not fetch: fetch gives up on response headers after 300 s, and the
    // headers of an all-or-nothing bulk issue come only once every code is issued.
    const reply = await new Promise<{ status: number; lines: number; distinctTokens: number; bytes: number }>((resolve, reject) => {
      const body = JSON.stringify({ count });
      const req = request(`${url}/ntp/v1/tenants/rss/instances/${data.ntpId}/codes/bulk`, { method: 'POST', headers: { ...headers, accept: ACCEPT[format] } }, (res) => {
        const tokens = new Set<string>();
        let lines = 0;
        let bytes = 0;
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          const parts = (rest + chunk).split('\n');
          rest = parts.pop() ?? '';
          for (const line of parts) {
            lines += 1;
            const t = res.statusCode === 201 ? tokenOf(line.replace(/\r$/, ''), format) : undefined;
            if (t !== undefined) tokens.add(t);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, distinctTokens: tokens.size, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    return { ...reply, seconds: (Date.now() - started) / 1000, idleRss, peakRss: bytesOf('VmHWM') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const format = (process.argv[3] ?? 'ndjson') as BulkFormat;
  const r = await measureBulkRss(count, ACCEPT[format] === undefined ? 'ndjson' : format);
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  console.log(
    `${count} codes as ${format}: status ${r.status}, ${r.lines} lines (${r.distinctTokens} distinct tokens), ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s; ` +
      `server RSS idle ${mb(r.idleRss)} MB, peak ${mb(r.peakRss)} MB`,
  );
}
