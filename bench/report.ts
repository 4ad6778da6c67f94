import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { ProfileSummary } from './cpu-profile.js';
import { formatLoad, type MachineInfo } from './machine.js';
import type { HeapReading } from './server-messages.js';
import type { SourceVersion } from './source-version.js';
import type { LatencySummary } from './stats.js';

/** The generated part of docs/BENCHMARKS.md sits between these lines; the text around it is kept. */
export const RESULTS_START = '<!-- bench:results:start (written by npm run bench; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Maximum module-to-floor ratio of the callback's p50 allowed at `TARGET_CONCURRENCY` on SQLite. */
const MAX_P50_RATIO = 1.3;
/** Concurrency at which the latency target compares the module with the floor. */
export const TARGET_CONCURRENCY = 16;
const MAX_STATEMENTS_PER_CALLBACK = 4;
/** Maximum heap growth allowed between the first 1,000 flows and the end, in percent. */
const MAX_HEAP_GROWTH_PERCENT = 10;

interface RunFigures {
  completed: number;
  errors: number;
  errorSamples: string[];
  durationMs: number;
  callbacksPerSecond: number;
  latency: LatencySummary;
}

export interface LoadResult extends RunFigures {
  target: string;
  database: string;
  concurrency: number;
  warmupErrors: number;
  /** Successful authorization-code exchanges the emulator counted during the measured run. */
  tokenExchanges: number;
  failedExchanges: number;
  /** CPU time (user and system) of the server process per flow, start and callback together, in microseconds. */
  serverCpuUsPerFlow: number;
  /** Statements per flow (start and callback), for the demo app only. */
  queriesPerFlow?: number;
}

/** One round of the comparison behind the latency target, at `TARGET_CONCURRENCY`. */
export interface TargetRound {
  floor: LoadResult;
  nestFloor: LoadResult;
  /** The module on SQLite. */
  module: LoadResult;
}

export interface RoundTripResult {
  database: string;
  flows: number;
  perCallback: number[];
  perStart: number[];
  /** The statements of the last callback counted. */
  callbackStatements: string[];
}

export interface MemoryResult {
  concurrency: number;
  /** Flows run, failed ones included, before the first heap reading. */
  firstFlows: number;
  /** Flows run, failed ones included, before the last heap reading. */
  totalFlows: number;
  errors: number;
  errorSamples: string[];
  tokenExchanges: number;
  afterFirst: HeapReading;
  afterAll: HeapReading;
  durationMs: number;
}

export interface BenchReport {
  machineBefore: MachineInfo;
  machineAfter: MachineInfo;
  source?: SourceVersion;
  plan: { warmupFlows: number; maxRunMs: number; measuredFlows: Record<number, number> };
  postgresSkipped?: string;
  loadResults: LoadResult[];
  /** The first round's results are also in `loadResults`. */
  targetRounds: TargetRound[];
  roundTrips: RoundTripResult[];
  memory: MemoryResult;
  profile: RunFigures & { concurrency: number; samplingIntervalUs: number; summary: ProfileSummary };
}

/** Renders the generated part of the benchmark page: machine, targets, and every table. */
export function renderReport(report: BenchReport): string {
  return [
    renderMachine(report),
    renderTargets(report),
    renderLoad(report),
    renderTargetRounds(report.targetRounds),
    renderRoundTrips(report.roundTrips),
    renderMemory(report.memory),
    renderProfile(report.profile),
  ].join('\n\n');
}

/**
 * Puts `markdown` between the result markers of the page, keeping the hand-written text around
 * them. A page without the markers gets them appended at its end.
 */
export function writeReport(path: string, markdown: string): void {
  const block = `${RESULTS_START}\n\n${markdown}\n\n${RESULTS_END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next =
    start !== -1 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + RESULTS_END.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, next);
}

function renderMachine(report: BenchReport): string {
  const machine = report.machineBefore;
  const lines = [
    '## Results of the last run',
    '',
    `Run finished ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.`,
    '',
    '| Machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cores} cores, ${machine.cpuModel} |`,
    `| Memory | ${machine.memoryGiB.toFixed(1)} GiB |`,
    `| Node.js | ${machine.nodeVersion} |`,
    `| Load average (1, 5, 15 min) at start | ${formatLoad(machine.loadAverage)} |`,
    `| Load average (1, 5, 15 min) at end | ${formatLoad(report.machineAfter.loadAverage)} |`,
    `| Code | ${describeSource(report.source)} |`,
  ];
  if (report.postgresSkipped) lines.push('', `PostgreSQL was skipped: ${report.postgresSkipped}`);
  return lines.join('\n');
}

function renderTargets(report: BenchReport): string {
  const ratio = median(report.targetRounds.map((round) => round.module.latency.p50 / round.floor.latency.p50));
  const allErrors = totalErrors(report);
  const maxStatements = Math.max(...report.roundTrips.flatMap((result) => result.perCallback));
  const exchangeMismatches = allLoadResults(report).filter((result) => result.tokenExchanges !== result.completed || result.failedExchanges > 0);
  const growth = heapGrowthPercent(report.memory);
  const memoryExchangesMatch = report.memory.tokenExchanges === report.memory.totalFlows;

  const rows = [
    [
      `Callback p50 of the module at most ${MAX_P50_RATIO} × the floor's, concurrency ${TARGET_CONCURRENCY}, SQLite (median of ${report.targetRounds.length} rounds)`,
      ratio === undefined ? 'not measured' : `${ratio.toFixed(2)} ×`,
      verdict(ratio !== undefined && ratio <= MAX_P50_RATIO),
    ],
    ['No errors in any run (warm-ups, memory and profile runs included)', `${allErrors}`, verdict(allErrors === 0)],
    [
      `At most ${MAX_STATEMENTS_PER_CALLBACK} database round trips per callback`,
      report.roundTrips.map((result) => `${result.database}: ${Math.max(...result.perCallback)}`).join(', '),
      verdict(maxStatements <= MAX_STATEMENTS_PER_CALLBACK),
    ],
    [
      'Exactly one token exchange per flow',
      exchangeMismatches.length === 0 && memoryExchangesMatch ? 'equal in every run' : `${exchangeMismatches.length} runs differ`,
      verdict(exchangeMismatches.length === 0 && memoryExchangesMatch),
    ],
    [
      `Heap after ${report.memory.totalFlows.toLocaleString('en-US')} flows within ${MAX_HEAP_GROWTH_PERCENT} % of the heap after ${report.memory.firstFlows.toLocaleString('en-US')}`,
      `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %`,
      verdict(Math.abs(growth) <= MAX_HEAP_GROWTH_PERCENT && report.memory.totalFlows >= 20_000),
    ],
  ];
  return ['### Targets', '', table(['Target', 'Measured', 'Met'], rows)].join('\n');
}

function renderLoad(report: BenchReport): string {
  const rows = report.loadResults.map((result) => {
    const ratio = result.target === 'floor' ? undefined : p50Ratio(report.loadResults, result);
    return [
      `${result.concurrency}`,
      result.target === 'module' ? `module, ${result.database}` : result.target,
      `${result.completed}`,
      result.callbacksPerSecond.toFixed(0),
      result.latency.p50.toFixed(2),
      result.latency.p99.toFixed(2),
      ratio === undefined ? '' : ratio.toFixed(2),
      `${result.errors + result.warmupErrors}`,
      `${result.tokenExchanges}`,
      (result.serverCpuUsPerFlow / 1000).toFixed(2),
      result.queriesPerFlow === undefined ? '' : result.queriesPerFlow.toFixed(1),
    ];
  });
  const errorLines = report.loadResults.flatMap((result) => result.errorSamples.map((sample) => `- ${result.target} ${result.database} c=${result.concurrency}: ${sample}`));
  return [
    '### Callback throughput and latency',
    '',
    `Each run: ${report.plan.warmupFlows} warm-up flows at the run's concurrency, then the measured flows ` +
      `(stopping early at ${report.plan.maxRunMs / 1000} s). Latency is that of the callback request alone, in milliseconds, ` +
      'as the driver sees it. "Exchanges" is the emulator\'s count of successful code exchanges in the measured run. ' +
      '"Server CPU" is the user and system CPU time of the server process per flow, and "Statements" the number of ' +
      'statements the demo app sent per flow. Both cover the start and the callback.',
    '',
    table(['Concurrency', 'Server', 'Flows', 'Callbacks/s', 'p50 ms', 'p99 ms', 'p50 ÷ floor', 'Errors', 'Exchanges', 'Server CPU ms', 'Statements'], rows),
    ...(errorLines.length > 0 ? ['', 'First errors:', '', ...errorLines] : []),
  ].join('\n');
}

function renderTargetRounds(rounds: TargetRound[]): string {
  const rows = rounds.map((round, index) => [
    `${index + 1}`,
    round.floor.latency.p50.toFixed(2),
    round.nestFloor.latency.p50.toFixed(2),
    round.module.latency.p50.toFixed(2),
    (round.nestFloor.latency.p50 / round.floor.latency.p50).toFixed(2),
    (round.module.latency.p50 / round.floor.latency.p50).toFixed(2),
  ]);
  const medianOf = (ratioOf: (round: TargetRound) => number) => median(rounds.map(ratioOf))?.toFixed(2) ?? '';
  rows.push([
    'median',
    '',
    '',
    '',
    medianOf((round) => round.nestFloor.latency.p50 / round.floor.latency.p50),
    medianOf((round) => round.module.latency.p50 / round.floor.latency.p50),
  ]);
  return [
    `### Rounds of the target's comparison at concurrency ${TARGET_CONCURRENCY}`,
    '',
    'The floor, the Nest floor and the module on SQLite, run in turn, each with the warm-up and flow count of the load runs. ' +
      'Round 1 is the load runs above. Callback p50 in milliseconds.',
    '',
    table(['Round', 'Floor p50', 'Nest floor p50', 'Module p50', 'Nest floor ÷ floor', 'Module ÷ floor'], rows),
    ...errorList(rounds.slice(1).flatMap((round) => [round.floor, round.nestFloor, round.module]).flatMap((result) => result.errorSamples)),
  ].join('\n');
}

function renderRoundTrips(results: RoundTripResult[]): string {
  const sections = ['### Database round trips', ''];
  sections.push(
    table(
      ['Database', 'Flows', 'Statements per callback', 'Statements per start'],
      results.map((result) => [result.database, `${result.flows}`, range(result.perCallback), range(result.perStart)]),
    ),
  );
  for (const result of results) {
    sections.push('', `Statements of one callback on ${result.database}:`, '', ...result.callbackStatements.map((sql, index) => `${index + 1}. \`${shorten(sql)}\``));
  }
  return sections.join('\n');
}

function renderMemory(memory: MemoryResult): string {
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return [
    '### Heap over 20,000 flows',
    '',
    `A fresh demo app on SQLite, started with \`--expose-gc\`, at concurrency ${memory.concurrency}; ` +
      'the heap is read after two forced full collections. ' +
      `${memory.totalFlows.toLocaleString('en-US')} flows took ${(memory.durationMs / 1000).toFixed(0)} s with ${memory.errors} errors ` +
      `and ${memory.tokenExchanges.toLocaleString('en-US')} token exchanges.`,
    '',
    table(
      ['After', 'Heap used, MiB', 'RSS, MiB'],
      [
        [`${memory.firstFlows.toLocaleString('en-US')} flows`, mib(memory.afterFirst.heapUsedBytes), mib(memory.afterFirst.rssBytes)],
        [`${memory.totalFlows.toLocaleString('en-US')} flows`, mib(memory.afterAll.heapUsedBytes), mib(memory.afterAll.rssBytes)],
      ],
    ),
    '',
    `Heap change: ${heapGrowthPercent(memory).toFixed(1)} %.`,
    ...errorList(memory.errorSamples),
  ].join('\n');
}

function renderProfile(profile: BenchReport['profile']): string {
  const { summary } = profile;
  const entryRows = (entries: ProfileSummary['topSelf']) => entries.map((entry) => [`\`${entry.name}\``, entry.time.toFixed(0), entry.share.toFixed(1)]);
  return [
    '### CPU profile of the demo app',
    '',
    `\`--cpu-prof\` at a ${profile.samplingIntervalUs} µs sampling interval, concurrency ${profile.concurrency}, SQLite; only the samples of the measured ` +
      `${profile.completed} flows count (${profile.errors} errors, ${profile.callbacksPerSecond.toFixed(0)} callbacks/s and callback p50 ` +
      `${profile.latency.p50.toFixed(2)} ms under the profiler). The server process was busy ${summary.busyMs.toFixed(0)} ms of ` +
      `${summary.windowMs.toFixed(0)} ms, which is ${((summary.busyMs / Math.max(1, profile.completed)) * 1000).toFixed(0)} µs per flow ` +
      '(start and callback). Shares are of the busy time.',
    ...errorList(profile.errorSamples),
    '',
    'Self time by origin:',
    '',
    table(['Origin', 'ms', '%'], summary.byArea.map((entry) => [entry.name, entry.time.toFixed(0), entry.share.toFixed(1)])),
    '',
    'Functions with the most self time:',
    '',
    table(['Function', 'ms', '%'], entryRows(summary.topSelf)),
    '',
    'Library and demo functions by inclusive time (with everything they call):',
    '',
    table(['Function', 'ms', '%'], entryRows(summary.topInclusiveOwnCode)),
  ].join('\n');
}

/** The callback p50 of `result` divided by the floor's at the same concurrency. */
function p50Ratio(results: LoadResult[], result: LoadResult): number | undefined {
  const floor = results.find((candidate) => candidate.target === 'floor' && candidate.concurrency === result.concurrency);
  return floor && result.latency.p50 / floor.latency.p50;
}

/** Returns the load runs and the runs of the target rounds after the first, which are not among the load runs. */
function allLoadResults(report: BenchReport): LoadResult[] {
  const laterRounds = report.targetRounds.slice(1).flatMap((round) => [round.floor, round.nestFloor, round.module]);
  return [...report.loadResults, ...laterRounds];
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function totalErrors(report: BenchReport): number {
  const load = allLoadResults(report).reduce((sum, result) => sum + result.errors + result.warmupErrors, 0);
  return load + report.memory.errors + report.profile.errors;
}

function heapGrowthPercent(memory: MemoryResult): number {
  return (100 * (memory.afterAll.heapUsedBytes - memory.afterFirst.heapUsedBytes)) / memory.afterFirst.heapUsedBytes;
}

function describeSource(source: SourceVersion | undefined): string {
  if (!source) return 'unknown (no git)';
  if (source.changedFiles === 0) return `commit ${source.commit}`;
  return `commit ${source.commit} with uncommitted changes in ${source.changedFiles} files under libs/ and src/`;
}

function errorList(samples: string[]): string[] {
  if (samples.length === 0) return [];
  return ['', 'First errors:', '', ...samples.map((sample) => `- ${sample}`)];
}

function verdict(met: boolean): string {
  return met ? 'yes' : '**no**';
}

function range(values: number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? `${min}` : `${min} to ${max}`;
}

/** Flattens SQL to one line of at most 140 characters, with backticks made safe for inline code. */
function shorten(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').replaceAll('`', "'").trim();
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  return lines.join('\n');
}
