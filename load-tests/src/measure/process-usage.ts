import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());

interface ProcessStat {
  pid: number;
  parent: number;
  /** utime + stime + cutime + cstime: its own CPU time and that of children it reaped. */
  cpuTicks: number;
  rssPages: number;
}

function readStat(pid: number): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields count from its end.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (number: number) => Number(fields[number - 3]);
    return { pid, parent: field(4), cpuTicks: field(14) + field(15) + field(16) + field(17), rssPages: field(24) };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

/** Each root and all its descendants (PostgreSQL's backends, say), as they are now. */
function processTrees(roots: readonly number[]): ProcessStat[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcessStat => stat !== undefined);
  const wanted = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of all) {
      if (!wanted.has(stat.pid) && wanted.has(stat.parent)) {
        wanted.add(stat.pid);
        grew = true;
      }
    }
  }
  return all.filter((stat) => wanted.has(stat.pid));
}

/** CPU seconds used so far by the processes and their descendants (from /proc/<pid>/stat). */
export function cpuSeconds(roots: readonly number[]): number {
  return processTrees(roots).reduce((sum, stat) => sum + stat.cpuTicks, 0) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of the processes and their descendants, in bytes. */
export function residentBytes(roots: readonly number[]): number {
  return processTrees(roots).reduce((sum, stat) => sum + stat.rssPages, 0) * PAGE_BYTES;
}

/** The system's one-minute load average, for the record. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
