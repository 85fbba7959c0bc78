/**
 * Live numbers of a sandbox container from `GET /containers/{id}/stats?stream=false`, computed as `docker stats`
 * does: memory in use is `usage` minus the page cache (`inactive_file` on cgroup v2, `total_inactive_file` or
 * `cache` on v1), CPU % is the container's share of host CPU time between the two samples times the CPU count.
 */
import type Dockerode from 'dockerode';

export interface ContainerUsage {
  memoryMb: number | null;
  cpuPercent: number | null;
}

interface CpuSample {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface DockerStats {
  cpu_stats?: CpuSample;
  precpu_stats?: CpuSample;
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function usageFromStats(stats: DockerStats): ContainerUsage {
  const memory = stats.memory_stats;
  let memoryMb: number | null = null;
  if (typeof memory?.usage === 'number') {
    const detail = memory.stats ?? {};
    const cache = detail.inactive_file ?? detail.total_inactive_file ?? detail.cache ?? 0;
    memoryMb = round1(Math.max(0, memory.usage - cache) / (1024 * 1024));
  }
  const now = stats.cpu_stats;
  const before = stats.precpu_stats;
  let cpuPercent: number | null = null;
  const cpuDelta = (now?.cpu_usage?.total_usage ?? 0) - (before?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (now?.system_cpu_usage ?? 0) - (before?.system_cpu_usage ?? 0);
  const cpus = now?.online_cpus ?? now?.cpu_usage?.percpu_usage?.length ?? 1;
  if (now?.system_cpu_usage !== undefined && systemDelta > 0 && cpuDelta >= 0) {
    cpuPercent = round1((cpuDelta / systemDelta) * cpus * 100);
  }
  return { memoryMb, cpuPercent };
}

export async function containerUsage(container: Dockerode.Container): Promise<ContainerUsage> {
  const stats = (await container.stats({ stream: false })) as DockerStats;
  return usageFromStats(stats);
}
