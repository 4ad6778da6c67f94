import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` file (as `node --cpu-prof` writes it) that the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  /** Microseconds of the monotonic clock. */
  startTime: number;
  samples: number[];
  /** Microseconds from the previous sample (the first from `startTime`). */
  timeDeltas: number[];
}

/** Time spent in one function or one area of code, in milliseconds. */
export interface ProfileEntry {
  name: string;
  /** Milliseconds. */
  time: number;
  /** Share of the busy time (everything but idle), in percent. */
  share: number;
}

export interface ProfileSummary {
  /** Sampled time inside the window, in milliseconds. */
  windowMs: number;
  /** Sampled time that was not idle, in milliseconds. */
  busyMs: number;
  /** Functions by their own (self) time, largest first. */
  topSelf: ProfileEntry[];
  /** Self time added up by where the code comes from: a package, Node itself, the library or the demo. */
  byArea: ProfileEntry[];
  /** Functions of the library and the demo by inclusive time (with everything they call), largest first. */
  topInclusiveOwnCode: ProfileEntry[];
}

const IDLE_FRAMES = new Set(['(idle)']);

/**
 * Summarises a CPU profile over the samples between `fromUs` and `toUs` (the monotonic clock, as
 * `process.hrtime` reads it), so that start-up and warm-up are left out. Each sample counts for
 * the time until the next one.
 */
export function summarizeCpuProfile(file: string, fromUs: number, toUs: number, limit = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let windowUs = 0;
  let busyUs = 0;

  let timestamp = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    timestamp += profile.timeDeltas[index];
    const durationUs = profile.timeDeltas[index + 1] ?? 0;
    if (timestamp < fromUs || timestamp > toUs) continue;

    const frame = frames.get(profile.samples[index])!.callFrame;
    windowUs += durationUs;
    if (IDLE_FRAMES.has(frame.functionName)) continue;
    busyUs += durationUs;

    add(self, frameName(frame), durationUs);
    add(areas, areaOf(frame), durationUs);
    // Each function on the stack gets the sample once, however often it recurses.
    const onStack = new Set<string>();
    for (let id: number | undefined = profile.samples[index]; id !== undefined; id = parents.get(id)) {
      const callFrame = frames.get(id)!.callFrame;
      const area = areaOf(callFrame);
      if (area === 'nestjs-nylas-connect (library)' || area === 'demo app (src/)') onStack.add(frameName(callFrame));
    }
    for (const name of onStack) add(inclusive, name, durationUs);
  }

  return {
    windowMs: windowUs / 1000,
    busyMs: busyUs / 1000,
    topSelf: rank(self, busyUs, limit),
    byArea: rank(areas, busyUs, limit),
    topInclusiveOwnCode: rank(inclusive, busyUs, limit),
  };
}

function add(totals: Map<string, number>, key: string, value: number): void {
  totals.set(key, (totals.get(key) ?? 0) + value);
}

function rank(totals: Map<string, number>, busyUs: number, limit: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, timeUs]) => ({ name, time: timeUs / 1000, share: busyUs === 0 ? 0 : (100 * timeUs) / busyUs }));
}

/** `functionName path:line`, with the path cut to what identifies it: from `node_modules/`, `libs/`, `src/` or `node:`. */
function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  return `${name} ${shortPath(frame.url)}:${frame.lineNumber + 1}`;
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) return path.slice(modules + 1);
  const own = /\/(libs\/[^/]+\/.*|dist\/(?:src|bench)\/.*)$/.exec(path);
  return own ? own[1] : path;
}

/** Names the package or the part of the project that a frame belongs to. */
function areaOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const url = frame.url;
  if (url === '') {
    return frame.functionName.startsWith('(') ? frame.functionName : 'V8 built-ins and native code';
  }
  if (url.startsWith('node:internal/deps/undici')) return 'undici (fetch, in Node)';
  if (url.startsWith('node:')) return 'Node.js core';
  const modules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules) return modules[1];
  if (url.includes('/libs/nylas-connect/')) return 'nestjs-nylas-connect (library)';
  if (url.includes('/dist/src/')) return 'demo app (src/)';
  if (url.includes('/dist/bench/')) return 'benchmark server harness';
  return url;
}
