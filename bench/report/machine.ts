import { availableParallelism, cpus, loadavg, totalmem, release } from 'node:os';

/** Where the numbers come from: they mean little without the machine and the load it had. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  node: string;
  os: string;
  memoryGiB: number;
  /** 1-minute load average when the bench started: above nproc, other work shared the CPUs. */
  loadAverageAtStart: number;
}

export function describeMachine(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
