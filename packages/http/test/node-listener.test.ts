import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeRemoteAddress, toNodeListener } from '../src/node-listener.js';
import { createRouteHandler, type HttpHandler } from '../src/route-handler.js';
import { echoRoutes, type Echo } from './fixtures/echo-routes.js';

const servers: Server[] = [];
const JSON_TYPE = { 'content-type': 'application/json' };

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(handler: HttpHandler, wrap?: (req: IncomingMessage) => void): Promise<string> {
  const listener = toNodeListener(handler);
  const server = createServer((req, res) => {
    wrap?.(req);
    listener(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Echoes what the Fetch handler saw. */
const mirror: HttpHandler = async (request) =>
  Response.json(
    {
      method: request.method,
      url: request.url,
      header: request.headers.get('x-many'),
      address: nodeRemoteAddress(request),
      body: request.method === 'GET' ? null : await request.text(),
    },
    { status: 202, headers: { 'x-reply': 'yes' } },
  );

function echoHandler(maxBodyBytes: number): { engine: Echo; handler: HttpHandler } {
  const engine: Echo = { calls: [] };
  return { engine, handler: createRouteHandler(engine, echoRoutes, { authorize: () => true, maxBodyBytes }) };
}

/** POSTs `chunks` with chunked encoding (no content-length), writing each only after the previous was flushed. */
function postChunked(
  url: string,
  chunks: number,
  chunkSize: number,
): Promise<{ status: number; connection: string | undefined; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    const req = httpRequest(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, written }));
    });
    req.on('error', reject);
    const writeNext = () => {
      if (written === chunks) return void req.end();
      written += 1;
      req.write(Buffer.alloc(chunkSize, 0x20), () => setImmediate(writeNext));
    };
    writeNext();
  });
}

describe('toNodeListener', () => {
  it('hands the handler method, full URL, headers, body and socket address, and writes its response back', async () => {
    const base = await listen(mirror);
    const response = await fetch(`${base}/a/b?c=1`, { method: 'POST', body: '{"x":1}', headers: [['x-many', '1'], ['x-many', '2']] });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-reply')).toBe('yes');
    expect(await response.json()).toEqual({
      method: 'POST',
      url: 'http://localhost/a/b?c=1',
      header: '1, 2',
      address: '127.0.0.1',
      body: '{"x":1}',
    });
  });

  it("uses Express's originalUrl, which keeps the mount path", async () => {
    const base = await listen(mirror, (req) => {
      Object.assign(req, { originalUrl: req.url, url: '/stripped' });
    });
    const response = await fetch(`${base}/mounted/path`);
    expect(await response.json()).toMatchObject({ url: 'http://localhost/mounted/path', method: 'GET', body: null });
  });

  it('answers 413 to a declared length over the limit', async () => {
    const { handler, engine } = echoHandler(1024);
    const base = await listen(handler);
    const response = await fetch(`${base}/things/t1`, { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(2000) }), headers: JSON_TYPE });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(engine.calls).toEqual([]);
  });

  it('answers 413 to a chunked body as soon as it passes the limit, before the client finished', async () => {
    const { handler } = echoHandler(64 * 1024);
    const base = await listen(handler);
    const result = await postChunked(`${base}/things/t1`, 1000, 16 * 1024);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // The rest of the body is never read, so the connection cannot carry another request.
    expect(result.connection).toBe('close');
    // 16 MB offered; the server answered long before reading it all.
    expect(result.written).toBeLessThan(1000);
  });

  it('keeps serving after a refused body', async () => {
    const { handler, engine } = echoHandler(100);
    const base = await listen(handler);
    expect((await fetch(`${base}/things/t1`, { method: 'POST', body: 'x'.repeat(5000), headers: JSON_TYPE })).status).toBe(413);
    const ok = await fetch(`${base}/things/t1`, { method: 'POST', body: '{"name":"a"}', headers: JSON_TYPE });
    expect(ok.status).toBe(201);
    expect(engine.calls).toHaveLength(1);
  });

  it('pulls a streamed reply only as the socket drains, and cancels it when the client hangs up', async () => {
    let pulled = 0;
    let cancelled = false;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const endless: HttpHandler = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += 1;
            controller.enqueue(chunk);
          },
          cancel() {
            cancelled = true;
          },
        }, { highWaterMark: 1 }),
        { status: 201 },
      );
    const base = await listen(endless);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${base}/stream`, (res) => {
        res.pause(); // a slow reader: the server must stop pulling
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no response')), 5000);
    });
    const whilePaused = pulled;
    // Socket buffers hold a few MB at most; an unbounded pull would have run to hundreds.
    expect(whilePaused).toBeLessThan(200);
    await expect.poll(() => cancelled, { timeout: 3000 }).toBe(true);
    const afterCancel = pulled;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pulled).toBe(afterCancel);
  });
});
