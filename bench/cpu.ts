// CPU time by process, from Linux's /proc: on a saturated machine the throughput ratio moves with
// whatever else runs, while the CPU each request costs the benchmark's process and the Temporal
// server moves far less, and says which of them a change made cheaper.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10;

interface Stat {
  command: string;
  parent: number;
  cpuMs: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses; the fields after it are separated by spaces.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { command: raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')), parent: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** This process's children whose command begins with `command`: the Temporal server it started. */
export function childrenNamed(command: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const found = stat(pid);
    return found?.parent === process.pid && found.command.startsWith(command);
  });
}

/** User and system CPU, in ms, used so far by these processes (ones that have gone count nothing). */
export const cpuMsOf = (pids: number[]): number => pids.reduce((total, pid) => total + (stat(pid)?.cpuMs ?? 0), 0);

/** User and system CPU, in ms, used so far by this process, all its threads. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
