import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Real redis-server processes for the tests. Each runs under a tiny `sh`
 * watchdog that kills it as soon as this process's end of the watchdog's
 * stdin closes, so a server never outlives the test process, not even when
 * the process is killed without running its exit handlers.
 */

const WATCHDOG = 'redis-server "$@" >/dev/null 2>&1 & pid=$!; echo "$pid"; read _; kill -9 "$pid" 2>/dev/null; exit 0';

const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A redis-server the tests started. */
export interface RedisServer {
  readonly port: number;
  /** Its data directory (a fresh temp dir unless given). */
  readonly dir: string;
  /** Kills it at once (SIGKILL: a crash, no save on the way out). */
  kill(): Promise<void>;
  /** Starts it again on the same port, directory and arguments. */
  restart(): Promise<void>;
  /** Kills it and removes its directory if the tests created it. */
  stop(): Promise<void>;
  /** Sends a signal to the running server (`SIGSTOP` freezes it, `SIGCONT` resumes it). */
  signal(signal: NodeJS.Signals): void;
}

/** A loopback TCP port free now (and, with `withBus`, its cluster bus port +10000 too). */
export async function freePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = withBus ? 20000 + Math.floor(Math.random() * 20000) : await bindAny();
    if ((await canBind(port)) && (!withBus || (await canBind(port + 10000)))) return port;
  }
  throw new Error('no free port found');
}

function bindAny(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Sends PING; true on +PONG. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `redis-server` on a free loopback port with `args` (e.g.
 * `['--appendonly', 'yes']`), persistence off unless asked, and waits until
 * it answers PING.
 */
export async function startRedisServer(options: { args?: readonly string[]; dir?: string; port?: number } = {}): Promise<RedisServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ntpass-redis-'));
  const port = options.port ?? (await freePort());
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(options.args ?? [])];
  let child: ChildProcess | undefined;
  let pid: number | undefined;

  const start = async () => {
    const proc = spawn('sh', ['-c', WATCHDOG, 'sh', ...argv], { stdio: ['pipe', 'pipe', 'ignore'] });
    child = proc;
    pid = await new Promise<number>((resolve, reject) => {
      proc.once('error', reject);
      proc.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    });
    running.add(pid);
    await waitFor(`redis-server on port ${port}`, () => ping(port));
  };

  const kill = async () => {
    const proc = child;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      running.delete(pid);
    }
    pid = undefined;
    child = undefined;
    if (proc && proc.exitCode === null) {
      // Closing its stdin lets the watchdog finish, and its exit reaps the server.
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.stdin?.end();
      await exited;
    }
  };

  await start();
  return {
    port,
    dir,
    kill,
    restart: start,
    signal(signal) {
      if (pid !== undefined) process.kill(pid, signal);
    },
    async stop() {
      await kill();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { waitFor };
