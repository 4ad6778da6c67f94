import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { HeapReading, QueryReading, ServerCommand, ServerOptions, ServerReply, ServerStartup } from './server-messages.js';

/** Maximum wait for a server process to start (Nest and the migrations) or to reply to a command. */
const SERVER_TIMEOUT_MS = 60_000;

const SERVER_PROCESS_PATH = fileURLToPath(new URL('./server-process.js', import.meta.url));

/** Makes the server process load the workspace packages that `tsc -p bench` compiled, as this process does. */
const WORKSPACE_RESOLVER_OPTION = `--import=${new URL('./workspace-resolver.js', import.meta.url).href}`;

type CommandName = ServerCommand['command'];

/** A server process forked by the benchmark, and the commands it handles. */
export class ServerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (reply: ServerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(reply.message));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`The server process exited with code ${code}`));
      this.pending.clear();
    });
  }

  /**
   * Forks `bench/server-process` with the given Node options (such as `--expose-gc` or
   * `--cpu-prof`) and resolves when it listens. Its standard output and error go to ours.
   */
  static start(options: ServerOptions, nodeOptions: string[] = []): Promise<ServerHandle> {
    const child = fork(SERVER_PROCESS_PATH, [JSON.stringify(options)], { execArgv: [WORKSPACE_RESOLVER_OPTION, ...nodeOptions], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`The ${options.kind} server did not start within ${SERVER_TIMEOUT_MS} ms`));
      }, SERVER_TIMEOUT_MS);
      child.once('message', (startup: ServerStartup) => {
        clearTimeout(timer);
        if (startup.ready) resolve(new ServerHandle(child, startup.url));
        else reject(new Error(`The ${options.kind} server failed to start: ${startup.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        // A failure message sent just before the exit may still be on its way, and it names the cause.
        setTimeout(() => reject(new Error(`The ${options.kind} server exited with code ${code} before it listened; its error output is above`)), 100);
      });
    });
  }

  /** Heap of the server after a forced garbage collection; needs `--expose-gc`. */
  heap(): Promise<HeapReading> {
    return this.request('heap') as Promise<HeapReading>;
  }

  /** Starts recording statements and returns the query count so far. */
  markQueries(): Promise<number> {
    return this.request('mark-queries') as Promise<number>;
  }

  readQueries(): Promise<QueryReading> {
    return this.request('read-queries') as Promise<QueryReading>;
  }

  /** CPU time (user and system) the server process has used so far, in microseconds. */
  cpuTime(): Promise<number> {
    return this.request('cpu') as Promise<number>;
  }

  /** Reads the server's monotonic clock in microseconds, the time base of its CPU profile. */
  clock(): Promise<number> {
    return this.request('clock') as Promise<number>;
  }

  /** Closes the server and waits for its process to exit, which writes a `--cpu-prof` profile. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request('close');
    } catch (error) {
      // The reply can lose the race with the exit event; only a process that is still running failed to close.
      if (this.child.exitCode === null) throw error;
    }
    await exited;
  }

  private request(command: CommandName): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The server did not reply to "${command}" within ${SERVER_TIMEOUT_MS} ms`));
      }, SERVER_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, command } satisfies ServerCommand);
    });
  }
}
