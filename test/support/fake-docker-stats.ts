/** The stats endpoint of the fake Docker engine (`fake-docker.ts`). */
import type { ContainerUsage, FakeContainer } from './fake-docker-types.js';

/** `GET /containers/{id}/stats?stream=false` as Docker 24 answers it on cgroup v2 (numbers from `usage`). */
export function statsOf(c: FakeContainer): unknown {
  const u: ContainerUsage = c.usage;
  const limit = Number((c.config.HostConfig as { Memory?: number } | undefined)?.Memory ?? 0);
  const now = new Date().toISOString();
  const cpu = (total: number, system: number) => ({
    cpu_usage: { total_usage: total, usage_in_kernelmode: 0, usage_in_usermode: total },
    system_cpu_usage: system,
    online_cpus: u.onlineCpus,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  return {
    read: now,
    preread: now,
    name: `/${c.name}`,
    id: c.id,
    pids_stats: { current: c.running ? 1 : 0 },
    cpu_stats: cpu(u.cpuTotalNs, u.systemCpuNs),
    precpu_stats: cpu(u.preCpuTotalNs, u.preSystemCpuNs),
    memory_stats: {
      usage: u.memoryBytes,
      limit: limit || 8 * 1024 ** 3,
      stats: { inactive_file: u.inactiveFileBytes, anon: u.memoryBytes - u.inactiveFileBytes },
    },
  };
}
