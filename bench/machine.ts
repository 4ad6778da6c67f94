import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** The machine a run was measured on. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  nodeVersion: string;
  /** 1, 5 and 15 minute load averages, as `uptime` shows them. */
  loadAverage: [number, number, number];
}

export function describeMachine(): MachineInfo {
  const [one, five, fifteen] = loadavg();
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    nodeVersion: process.version,
    loadAverage: [one, five, fifteen],
  };
}

/** Formats load averages as `uptime` does: `1.20, 0.85, 0.60`. */
export function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(', ');
}
