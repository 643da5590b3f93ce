import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpHandler } from './route-handler.js';

/** A `node:http` request listener; also works as Express middleware (mount it before any body parser). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

const remoteAddresses = new WeakMap<Request, string>();

/**
 * The socket address of a request that came through {@link toNodeListener}, for
 * `clientKey`. Behind a proxy this is the proxy: read your proxy's header
 * instead, and only if the proxy sets it.
 */
export function nodeRemoteAddress(request: Request): string | undefined {
  return remoteAddresses.get(request);
}

/**
 * Adapts a Fetch handler to `node:http`. The body is streamed to the handler,
 * which stops reading at its `maxBodyBytes`; nothing is buffered here.
 */
export function toNodeListener(handler: HttpHandler): NodeListener {
  return (req, res) => {
    const request = toRequest(req);
    const address = req.socket.remoteAddress;
    if (address !== undefined) remoteAddresses.set(request, address);
    handler(request)
      .then((response) => writeResponse(req, res, response))
      .catch(() => {
        // The handler answers every failure itself; reaching here means writing the response failed.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(res.headersSent ? undefined : '{"status":"error","code":"INTERNAL","message":"internal error"}');
      });
  };
}

function toRequest(req: IncomingMessage): Request {
  // Express strips its mount path from req.url; originalUrl keeps it.
  const target = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(target.startsWith('/') ? target : `/${target}`, 'http://localhost');
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (hasBody) {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/**
 * The request body as a web stream pulled on demand. Cancelling (the handler
 * passed its size limit) stops reading without destroying the socket, so the
 * 413 can still be written.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  let onData: ((chunk: Buffer) => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        finish();
      };
      onData = (chunk) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      };
      req.on('data', onData);
      req.once('end', () => settle(() => controller.close()));
      req.once('error', (error) => settle(() => controller.error(error)));
      // A client that hangs up mid-body ends the read instead of leaving it pending.
      req.once('close', () => settle(() => controller.error(new Error('request body aborted'))));
    },
    pull() {
      req.resume();
    },
    cancel() {
      settled = true;
      if (onData) req.off('data', onData);
      req.pause();
    },
  });
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A body the handler left unread (refused as too large, or a route without
  // one) must not be drained to keep the connection alive.
  if (!req.complete) headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  // Pulled only as fast as the socket drains, so a streamed reply (a million
  // codes) stays a chunk or two in memory; a client that hangs up cancels it.
  const reader = response.body.getReader();
  let closed = res.destroyed;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  try {
    while (!closed) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drainOrClose(res);
    }
  } finally {
    res.off('close', onClose);
    if (closed) await reader.cancel().catch(() => undefined);
  }
  if (!closed) res.end();
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
