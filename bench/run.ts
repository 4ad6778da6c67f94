/**
 * `npm run bench`: drives complete Nylas connect flows against the demo app on SQLite and
 * PostgreSQL and against the floor, counts database statements and token exchanges, checks the
 * heap over 20,000 flows, profiles the callback path, and writes docs/BENCHMARKS.md.
 * `--quick` runs every phase with few flows and prints the results without writing the doc.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NylasEmulator } from 'nylas-emulator';

import { summarizeCpuProfile } from './cpu-profile.js';
import { CALLBACK_PATH, closeConnections, driveFlows, openConnections, VirtualUser, type DriveResult, type FlowTarget } from './flow-driver.js';
import { describeMachine, formatLoad } from './machine.js';
import { createPostgresSchema, DEFAULT_POSTGRES_URL, type PostgresSchema } from './postgres-schema.js';
import { renderReport, TARGET_CONCURRENCY, writeReport, type BenchReport, type LoadResult, type MemoryResult, type RoundTripResult, type TargetRound } from './report.js';
import { ServerHandle } from './server-handle.js';
import type { ServerKind, ServerOptions } from './server-messages.js';
import { describeSourceVersion } from './source-version.js';
import { summarizeLatencies } from './stats.js';

const QUICK = process.argv.includes('--quick');

/** Flow counts and time limits of each phase; `--quick` divides the counts to check the script in seconds. */
const PLAN = {
  concurrencies: [1, 16, 64],
  warmupFlows: QUICK ? 20 : 150,
  /** Flows per measured run, by concurrency. */
  measuredFlows: QUICK ? { 1: 30, 16: 100, 64: 200 } : ({ 1: 300, 16: 2_000, 64: 2_000 } as Record<number, number>),
  maxRunMs: 12_000,
  /** The what-if run of SQLite with the rollback journal is made at this concurrency only. */
  rollbackJournalConcurrency: 16,
  /**
   * Rounds of the comparison behind the latency target: the floor, the Nest floor and the module
   * on SQLite at concurrency 16, in turn. The load runs are the first round.
   */
  targetRounds: QUICK ? 1 : 3,
  roundTripFlows: QUICK ? 5 : 20,
  memory: { concurrency: 16, firstFlows: QUICK ? 100 : 1_000, totalFlows: QUICK ? 400 : 20_000, maxMs: 240_000 },
  profile: { concurrency: 16, flows: QUICK ? 200 : 2_000, samplingIntervalUs: 500 },
} as const;

const CLIENT_ID = 'bench-client';
const API_KEY = 'bench-api-key';
/** Registered at the emulator; nothing listens there, because the driver GETs the callback path from the server under test. */
const CALLBACK_URI = `http://localhost:3000${CALLBACK_PATH}`;

const DOC_PATH = fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

/** A target of the load runs: the floor, or the demo app on one database. */
interface LoadTarget {
  label: string;
  kind: ServerKind;
  database: string;
  server: ServerHandle;
  concurrencies: readonly number[];
  /** True for a configuration the demo does not use by default, measured for comparison. */
  whatIf: boolean;
}

async function main(): Promise<void> {
  const machineBefore = describeMachine();
  const source = describeSourceVersion();
  log(`${machineBefore.cores} cores, Node ${machineBefore.nodeVersion}, load ${formatLoad(machineBefore.loadAverage)}`);

  const emulator = await NylasEmulator.start({ clients: [{ clientId: CLIENT_ID, apiKey: API_KEY, callbackUris: [CALLBACK_URI] }] });
  const scratch = mkdtempSync(join(tmpdir(), 'nylas-connect-bench-'));
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
  let schema: PostgresSchema | undefined;
  let postgresSkipped: string | undefined;
  const servers: ServerHandle[] = [];

  try {
    try {
      schema = await createPostgresSchema(postgresUrl);
      log(`PostgreSQL schema ${schema.name} created`);
    } catch (error) {
      postgresSkipped = `PostgreSQL at ${new URL(postgresUrl).host} could not be used: ${String(error)}`;
      log(`${postgresSkipped}; its runs are skipped`);
    }

    const targets = await startLoadTargets(emulator, scratch, schema, servers);

    const loadResults: LoadResult[] = [];
    for (const concurrency of PLAN.concurrencies) {
      for (const target of targets.filter((candidate) => candidate.concurrencies.includes(concurrency))) {
        loadResults.push(await runLoad(emulator, target, concurrency));
      }
    }
    const targetRounds = await runTargetRounds(emulator, targets, loadResults);

    const roundTrips: RoundTripResult[] = [];
    for (const target of targets.filter((candidate) => candidate.kind === 'module' && !candidate.whatIf)) {
      roundTrips.push(await countRoundTrips(emulator, target));
    }
    await Promise.all(servers.splice(0).map((server) => server.close()));

    const memory = await measureMemory(emulator, serverOptions(emulator, 'module', `sqlite:${join(scratch, 'memory.sqlite')}`));
    const profile = await profileCallbacks(emulator, serverOptions(emulator, 'module', `sqlite:${join(scratch, 'profile.sqlite')}`), scratch);

    const report: BenchReport = {
      machineBefore,
      machineAfter: describeMachine(),
      source,
      plan: PLAN,
      postgresSkipped,
      loadResults,
      targetRounds,
      roundTrips,
      memory,
      profile,
    };
    const markdown = renderReport(report);
    if (QUICK) {
      console.log(markdown);
    } else {
      writeReport(DOC_PATH, markdown);
      log(`wrote ${DOC_PATH}`);
    }
  } finally {
    await Promise.allSettled(servers.map((server) => server.close()));
    await schema?.drop();
    rmSync(scratch, { recursive: true, force: true });
    await emulator.close();
  }
}

function serverOptions(emulator: NylasEmulator, kind: ServerKind, databaseUrl: string, sqliteRollbackJournal = false): ServerOptions {
  return {
    kind,
    databaseUrl,
    sqliteRollbackJournal,
    emulatorUrl: emulator.url,
    jwksUri: emulator.jwksUri,
    issuer: emulator.issuer,
    clientId: CLIENT_ID,
    apiKey: API_KEY,
    callbackUri: CALLBACK_URI,
  };
}

/**
 * Starts the servers of the load runs: the floor, the Nest floor, the demo app on SQLite, on
 * PostgreSQL when `schema` is given, and on SQLite with the rollback journal. Each is added to
 * `servers` as soon as it runs, so that the caller closes it even when a later one fails to start.
 */
async function startLoadTargets(emulator: NylasEmulator, scratch: string, schema: PostgresSchema | undefined, servers: ServerHandle[]): Promise<LoadTarget[]> {
  const start = async (
    target: Omit<LoadTarget, 'server' | 'concurrencies' | 'whatIf'> & Partial<Pick<LoadTarget, 'concurrencies'>>,
    options: ServerOptions,
  ): Promise<LoadTarget> => {
    const server = await ServerHandle.start(options);
    servers.push(server);
    return { concurrencies: PLAN.concurrencies, ...target, server, whatIf: options.sqliteRollbackJournal === true };
  };

  const targets = [
    await start({ label: 'floor', kind: 'floor', database: '-' }, serverOptions(emulator, 'floor', 'sqlite::memory:')),
    await start({ label: 'Nest floor', kind: 'nest-floor', database: '-' }, serverOptions(emulator, 'nest-floor', 'sqlite::memory:')),
    await start({ label: 'module', kind: 'module', database: 'SQLite' }, serverOptions(emulator, 'module', `sqlite:${join(scratch, 'load.sqlite')}`)),
  ];
  if (schema) {
    targets.push(await start({ label: 'module', kind: 'module', database: 'PostgreSQL' }, serverOptions(emulator, 'module', schema.databaseUrl)));
  }
  targets.push(
    await start(
      { label: 'module', kind: 'module', database: 'SQLite, rollback journal', concurrencies: [PLAN.rollbackJournalConcurrency] },
      serverOptions(emulator, 'module', `sqlite:${join(scratch, 'rollback-journal.sqlite')}`, true),
    ),
  );
  return targets;
}

/**
 * Runs the comparison behind the latency target again, `PLAN.targetRounds` times in all, so that
 * the target is judged on a median rather than on one run of each server. The servers take turns
 * within a round, so a change in the machine's load over the rounds reaches all three alike.
 */
async function runTargetRounds(emulator: NylasEmulator, targets: LoadTarget[], loadResults: LoadResult[]): Promise<TargetRound[]> {
  const floor = targets.find((target) => target.kind === 'floor');
  const nestFloor = targets.find((target) => target.kind === 'nest-floor');
  const module = targets.find((target) => target.kind === 'module' && target.database === 'SQLite' && !target.whatIf);
  if (!floor || !nestFloor || !module) throw new Error('The target rounds need the floor, the Nest floor and the module on SQLite');

  const resultOf = (target: LoadTarget) =>
    loadResults.find((result) => result.target === target.label && result.database === target.database && result.concurrency === TARGET_CONCURRENCY)!;
  const rounds: TargetRound[] = [{ floor: resultOf(floor), nestFloor: resultOf(nestFloor), module: resultOf(module) }];

  for (let round = 2; round <= PLAN.targetRounds; round += 1) {
    log(`target round ${round} of ${PLAN.targetRounds}`);
    rounds.push({
      floor: await runLoad(emulator, floor, TARGET_CONCURRENCY),
      nestFloor: await runLoad(emulator, nestFloor, TARGET_CONCURRENCY),
      module: await runLoad(emulator, module, TARGET_CONCURRENCY),
    });
  }
  return rounds;
}

/** Warms a target up at `concurrency`, then measures a run, with the emulator's exchange count and the server's statement count. */
async function runLoad(emulator: NylasEmulator, target: LoadTarget, concurrency: number): Promise<LoadResult> {
  const flowTarget: FlowTarget = { appUrl: target.server.url, emulatorUrl: emulator.url, signsIn: target.kind === 'module' };
  const connections = openConnections(flowTarget, concurrency);
  // Part of the usernames, which the demo limits to letters, digits, ".", "_" and "-".
  const name = `${target.label}-${target.database}-c${concurrency}`.replace(/[^A-Za-z0-9._-]+/g, '-');
  try {
    const warmup = await driveFlows(connections, { concurrency, flows: PLAN.warmupFlows, maxDurationMs: PLAN.maxRunMs }, `warm-${name}`);

    emulator.reset();
    const queriesBefore = target.kind === 'module' ? (await target.server.readQueries()).queries : 0;
    const cpuBefore = await target.server.cpuTime();
    const run = await driveFlows(
      connections,
      { concurrency, flows: PLAN.measuredFlows[concurrency], maxDurationMs: PLAN.maxRunMs },
      `user-${name}`,
    );
    const cpuAfter = await target.server.cpuTime();
    const exchanges = emulator.stats().tokenExchanges;
    const queriesAfter = target.kind === 'module' ? (await target.server.readQueries()).queries : 0;

    const result: LoadResult = {
      target: target.label,
      database: target.database,
      concurrency,
      warmupErrors: warmup.errors,
      ...describeRun(run),
      tokenExchanges: exchanges.authorizationCode,
      failedExchanges: exchanges.failed,
      serverCpuUsPerFlow: (cpuAfter - cpuBefore) / Math.max(1, run.completed + run.errors),
      queriesPerFlow: target.kind === 'module' ? (queriesAfter - queriesBefore) / Math.max(1, run.completed + run.errors) : undefined,
    };
    log(
      `${target.label} ${target.database} c=${concurrency}: ${result.completed} flows, ${result.callbacksPerSecond.toFixed(0)}/s, ` +
        `p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms, ` +
        `server CPU ${(result.serverCpuUsPerFlow / 1000).toFixed(2)} ms per flow, errors ${result.errors}`,
    );
    for (const sample of [...warmup.errorSamples, ...run.errorSamples]) log(`  error: ${sample}`);
    return result;
  } finally {
    closeConnections(connections);
  }
}

function describeRun(run: DriveResult) {
  return {
    completed: run.completed,
    errors: run.errors,
    errorSamples: run.errorSamples,
    durationMs: run.durationMs,
    callbacksPerSecond: (run.completed * 1000) / run.durationMs,
    latency: summarizeLatencies(run.callbackLatenciesMs),
  };
}

/**
 * Counts the statements of single callbacks and starts at concurrency 1, where nothing else runs
 * between a mark and its reading, and keeps the statements of the last callback.
 */
async function countRoundTrips(emulator: NylasEmulator, target: LoadTarget): Promise<RoundTripResult> {
  const connections = openConnections({ appUrl: target.server.url, emulatorUrl: emulator.url, signsIn: true }, 1);
  const user = new VirtualUser(connections, `round-trips-${target.database}`);
  const perCallback: number[] = [];
  const perStart: number[] = [];
  let callbackStatements: string[] = [];
  try {
    await user.signIn();
    for (let flow = 0; flow < PLAN.roundTripFlows; flow += 1) {
      const beforeStart = await target.server.markQueries();
      const authUrl = await user.startFlow();
      perStart.push((await target.server.readQueries()).queries - beforeStart);

      const callbackPath = await user.approve(authUrl);
      const beforeCallback = await target.server.markQueries();
      await user.finishCallback(callbackPath);
      const reading = await target.server.readQueries();
      perCallback.push(reading.queries - beforeCallback);
      callbackStatements = reading.statements;
    }
  } finally {
    closeConnections(connections);
  }
  log(`${target.database}: ${Math.max(...perCallback)} statements per callback, ${Math.max(...perStart)} per start`);
  return { database: target.database, flows: PLAN.roundTripFlows, perCallback, perStart, callbackStatements };
}

/** Runs 20,000 flows against a fresh demo app started with --expose-gc and compares its heap after 1,000 and after all of them. */
async function measureMemory(emulator: NylasEmulator, options: ServerOptions): Promise<MemoryResult> {
  const { concurrency, firstFlows, totalFlows, maxMs } = PLAN.memory;
  emulator.reset();
  const server = await ServerHandle.start(options, ['--expose-gc']);
  const connections = openConnections({ appUrl: server.url, emulatorUrl: emulator.url, signsIn: true }, concurrency);
  try {
    const first = await driveFlows(connections, { concurrency, flows: firstFlows, maxDurationMs: maxMs }, 'memory');
    const afterFirst = await server.heap();
    const firstAttempted = first.completed + first.errors;
    log(`memory: heap ${(afterFirst.heapUsedBytes / 2 ** 20).toFixed(1)} MiB after ${firstAttempted} flows`);

    const rest = await driveFlows(connections, { concurrency, flows: totalFlows - firstAttempted, maxDurationMs: maxMs }, 'memory');
    const afterAll = await server.heap();
    const allAttempted = firstAttempted + rest.completed + rest.errors;
    log(`memory: heap ${(afterAll.heapUsedBytes / 2 ** 20).toFixed(1)} MiB after ${allAttempted} flows`);
    for (const sample of [...first.errorSamples, ...rest.errorSamples]) log(`  error: ${sample}`);

    return {
      concurrency,
      firstFlows: firstAttempted,
      totalFlows: allAttempted,
      errors: first.errors + rest.errors,
      errorSamples: [...first.errorSamples, ...rest.errorSamples].slice(0, 5),
      tokenExchanges: emulator.stats().tokenExchanges.authorizationCode,
      afterFirst,
      afterAll,
      durationMs: first.durationMs + rest.durationMs,
    };
  } finally {
    closeConnections(connections);
    await server.close();
  }
}

/** Profiles a fresh demo app on SQLite with --cpu-prof over a run at concurrency 16, after a warm-up. */
async function profileCallbacks(emulator: NylasEmulator, options: ServerOptions, scratch: string): Promise<BenchReport['profile']> {
  const { concurrency, flows, samplingIntervalUs } = PLAN.profile;
  const profileDir = join(scratch, 'profile');
  emulator.reset();
  const server = await ServerHandle.start(options, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${samplingIntervalUs}`]);
  const connections = openConnections({ appUrl: server.url, emulatorUrl: emulator.url, signsIn: true }, concurrency);
  let run: DriveResult;
  let fromUs: number;
  let toUs: number;
  try {
    await driveFlows(connections, { concurrency, flows: PLAN.warmupFlows, maxDurationMs: PLAN.maxRunMs }, 'profile-warmup');
    fromUs = await server.clock();
    run = await driveFlows(connections, { concurrency, flows, maxDurationMs: PLAN.maxRunMs }, 'profile');
    toUs = await server.clock();
  } finally {
    closeConnections(connections);
    await server.close();
  }

  const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`No .cpuprofile was written to ${profileDir}`);
  const summary = summarizeCpuProfile(join(profileDir, file), fromUs, toUs);
  log(`profile: ${run.completed} flows, ${summary.busyMs.toFixed(0)} ms busy of ${summary.windowMs.toFixed(0)} ms sampled`);
  for (const sample of run.errorSamples) log(`  error: ${sample}`);
  return { concurrency, samplingIntervalUs, ...describeRun(run), summary };
}

await main();
