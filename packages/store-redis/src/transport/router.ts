import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { AT_MOST_ONCE } from './at-most-once.js';
import { connectionSlot, type ConnectionSlot } from './connection-slot.js';
import { keySlot } from './key-slot.js';

/**
 * Where the store sends a script: connections of its own, opened with
 * {@link AT_MOST_ONCE} options, to the one Redis or to each Cluster master.
 */
export interface Router {
  readonly cluster: boolean;
  /** The connection for a call on `key`, or undefined while the owner is unknown (Cluster starting, slot map empty). */
  route(key: string): ConnectionSlot | undefined;
  /** The connection to a Cluster node named `host:port` (ASK). */
  node(node: string): ConnectionSlot;
  /** A MOVED reply: the slot is served by `node` now. */
  moved(slot: number, node: string): void;
  /** The map may be stale (a node unreachable or silent): refresh it soon. */
  stale(): void;
  /** A label for messages: the client's status. */
  status(): string;
  close(): void;
}

const noop = () => undefined;

/** A single Redis (or one behind Sentinel): one duplicate of the host's client. */
export function standaloneRouter(client: Redis): Router {
  const slot = connectionSlot(() => client.duplicate(AT_MOST_ONCE));
  return {
    cluster: false,
    route: () => slot,
    node: () => slot,
    moved: noop,
    stale: noop,
    status: () => slot.get().status,
    close: () => slot.close(),
  };
}

const REFRESH_EVERY_MS = 100;

function hostPort(node: string): { host: string; port: number } {
  const colon = node.lastIndexOf(':');
  return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
}

/**
 * A Cluster: the slot map is ioredis's (`client.slots`, refreshed through
 * `client.refreshSlotsCache()`), but the commands go to the slot owner over
 * the store's own connection to it, never through the Cluster's command
 * path, which re-sends a command whose connection closed.
 */
export function clusterRouter(client: Cluster, keyPrefix: string): Router {
  const options = client.options as { redisOptions?: RedisOptions };
  const natMapper = (client as unknown as { natMapper?: (key: string) => { host: string; port: number } }).natMapper;
  const pool = new Map<string, ConnectionSlot>();
  // MOVED replies seen since the last refresh of the slot map.
  const moved = new Map<number, string>();
  let lastRefresh = 0;

  const node = (name: string): ConnectionSlot => {
    let slot = pool.get(name);
    if (slot === undefined) {
      const address = natMapper ? natMapper.call(client, name) : hostPort(name);
      slot = connectionSlot(() => new Redis({ ...options.redisOptions, host: address.host, port: address.port, keyPrefix, ...AT_MOST_ONCE }));
      pool.set(name, slot);
    }
    return slot;
  };

  const stale = () => {
    if (Date.now() - lastRefresh < REFRESH_EVERY_MS) return;
    lastRefresh = Date.now();
    if (client.status === 'wait') client.connect().catch(noop);
    client.refreshSlotsCache((error) => {
      if (!error) moved.clear();
    });
  };

  return {
    cluster: true,
    route(key) {
      if (client.status === 'wait') client.connect().catch(noop);
      const slot = keySlot(key);
      const owner = moved.get(slot) ?? client.slots[slot]?.[0];
      if (owner === undefined) {
        stale();
        return undefined;
      }
      return node(owner);
    },
    node,
    moved(slot, owner) {
      moved.set(slot, owner);
      stale();
    },
    stale,
    status: () => client.status,
    close() {
      for (const slot of pool.values()) slot.close();
      pool.clear();
    },
  };
}
