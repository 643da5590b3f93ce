import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine, type KeyInput, type RedeemThrottleOptions, type Store } from '@ntpass/core';
import { createHttpHandler, nodeRemoteAddress, toNodeListener, type HttpHandler } from '@ntpass/http';
import { bearerAuthorize } from './bearer-authorize.js';
import { clientKeyOf, NO_PROXIES, parseTrustedProxies } from './client-address.js';

/** What the example server needs; `configFromEnv` reads it from the environment. */
export interface ServerOptions {
  /** Where state lives. The host closes it after `close()`. */
  readonly store: Store;
  /** HMAC key for codes and emails at rest, at least 32 bytes. */
  readonly secret: string;
  /** Bearer token every operator route requires. */
  readonly adminToken: string;
  /** Ed25519 private key (PEM or KeyObject): enables signed codes. */
  readonly signingKey?: KeyInput;
  /** Tenant of identity-provider calls that name none. */
  readonly defaultTenantId?: string;
  /** Prefix of every route. @default '' */
  readonly basePath?: string;
  /** @default 8080; 0 picks a free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The redeem throttle. @default the engine's (10 failures per 15 minutes) */
  readonly redeemThrottle?: RedeemThrottleOptions;
  /** Receives one line per request (method, path, status) and per failure. @default console.log */
  readonly log?: (line: string) => void;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client: comma-separated
   * addresses or CIDR ranges (`10.0.0.0/8, fd00::/8`). @default none: the
   * socket address is the client
   */
  readonly trustedProxies?: string;
  /** Most time a request may take to arrive in full; then 408 and the socket closes. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Most time the request headers may take (slowloris). @default 10000 */
  readonly headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. @default 5000 */
  readonly keepAliveTimeoutMs?: number;
}

/** The example's timeouts: tighter than Node's defaults (300 s per request), which let slow clients hold sockets. */
export const DEFAULT_TIMEOUTS = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000 } as const;

/** A running example server. */
export interface RunningServer {
  /** `http://host:port` plus the base path. */
  readonly url: string;
  readonly engine: Engine;
  /** The node:http server (its timeouts, its connections). */
  readonly server: Server;
  /** Stops accepting requests, waits for those running, then stops the engine's background work. */
  close(): Promise<void>;
}

/** Starts the example: the engine, the ntpass routes and a node:http server. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const engine = createEngine({
    store: options.store,
    secret: options.secret,
    ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
    ...(options.defaultTenantId === undefined ? {} : { defaultTenantId: options.defaultTenantId }),
    ...(options.redeemThrottle === undefined ? {} : { redeemThrottle: options.redeemThrottle }),
  });
  const basePath = options.basePath ?? '';
  const trusted = options.trustedProxies === undefined ? NO_PROXIES : parseTrustedProxies(options.trustedProxies);
  const handler = createHttpHandler(engine, {
    basePath,
    authorize: bearerAuthorize(options.adminToken),
    ...(options.defaultTenantId === undefined ? {} : { defaultTenantId: options.defaultTenantId }),
    // The socket address, or the client a trusted proxy names; an IPv6 client by its /64.
    clientKey: (request) => clientKeyOf(nodeRemoteAddress(request), request.headers.get('x-forwarded-for'), trusted),
    onError: (error, { operation, status }) => log(`${operation} failed with ${status}: ${error instanceof Error ? error.name : 'error'}`),
  });
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs ?? DEFAULT_TIMEOUTS.headersTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_TIMEOUTS.keepAliveTimeoutMs,
      // How often those timeouts are checked: Node's 30 s would let a slow client keep a socket 40 s.
      connectionsCheckingInterval: 1_000,
    },
    toNodeListener(logged(handler, log)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${basePath}`,
    engine,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await engine.close();
    },
  };
}

/** One line per request: method, path and status. Never the query or body, which may hold a code or an email. */
function logged(handler: HttpHandler, log: (line: string) => void): HttpHandler {
  return async (request) => {
    const response = await handler(request);
    log(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
    return response;
  };
}
