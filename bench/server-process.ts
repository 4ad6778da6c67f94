/**
 * Entry point of a server process forked by the benchmark: starts the demo app or the floor,
 * reports its URL, and handles the benchmark's commands over the IPC channel. It exits when the
 * benchmark sends `close` or goes away.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

import { startDemoServer } from './demo-server.js';
import { startFloorServer, type RunningServer } from './floor-server.js';
import { startNestFloorServer } from './nest-floor-server.js';
import { QueryCounter } from './query-counter.js';
import type { HeapReading, QueryReading, ServerCommand, ServerOptions, ServerReply, ServerStartup } from './server-messages.js';

const options = JSON.parse(process.argv[2]) as ServerOptions;
const queryCounter = new QueryCounter();

function send(message: ServerReply | ServerStartup): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

/** Runs two full collections, a turn apart so that finalizers of the first can run, then reads the heap. */
async function readHeapAfterGc(): Promise<HeapReading> {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') throw new Error('The server process was started without --expose-gc');
  gc();
  await nextTurn();
  gc();
  const usage = process.memoryUsage();
  return { heapUsedBytes: usage.heapUsed, rssBytes: usage.rss };
}

function readQueries(): QueryReading {
  return { queries: queryCounter.queries, queryErrors: queryCounter.queryErrors, statements: queryCounter.recordedStatements() };
}

async function handleCommand(server: RunningServer, message: ServerCommand): Promise<HeapReading | QueryReading | number | null> {
  switch (message.command) {
    case 'heap':
      return readHeapAfterGc();
    case 'mark-queries':
      return queryCounter.mark();
    case 'read-queries':
      return readQueries();
    case 'cpu': {
      // User plus system CPU time of the whole process so far, in microseconds.
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    }
    case 'clock':
      // Microseconds of the monotonic clock, the clock of the timestamps in a .cpuprofile file.
      return Number(process.hrtime.bigint() / 1000n);
    case 'close':
      await server.close();
      return null;
  }
}

function startServer(options: ServerOptions): Promise<RunningServer> {
  switch (options.kind) {
    case 'module':
      return startDemoServer(options, queryCounter);
    case 'floor':
      return startFloorServer(options);
    case 'nest-floor':
      return startNestFloorServer(options);
  }
}

let server: RunningServer;
try {
  server = await startServer(options);
} catch (error) {
  await send({ ready: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}

process.on('message', (message: ServerCommand) => {
  void handleCommand(server, message).then(
    async (value) => {
      await send({ id: message.id, ok: true, value });
      // process.exit writes the --cpu-prof profile, if any, before the process ends.
      if (message.command === 'close') process.exit(0);
    },
    (error: unknown) => send({ id: message.id, ok: false, message: String(error) }),
  );
});
process.on('disconnect', () => process.exit(1));

await send({ ready: true, url: server.url });
