import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real redis-server, to lose replies on
 * purpose: while replies are held, what clients send still reaches Redis (and
 * runs) but nothing comes back; dropping the clients then closes their
 * connections with those replies lost, as a network failure does.
 */
export interface TcpProxy {
  readonly port: number;
  /** Stops forwarding replies to clients (they queue in the proxy, never delivered). */
  holdReplies(): void;
  /** Closes every connection open now (replies held are discarded) and forwards normally again. */
  dropClients(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair = { client, upstream };
    pairs.add(pair);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (!holding) client.write(d);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dropAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    holdReplies: () => {
      holding = true;
    },
    dropClients: () => {
      dropAll();
      holding = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
