import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** A V8 CPU profile, as `--cpu-prof` writes it. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface SelfTimeRow {
  function: string;
  /** Where it is defined, relative to the repository (or a built-in / package). */
  location: string;
  selfPercent: number;
}

/**
 * Records a CPU profile of another Node process while `during` runs, through the inspector:
 * SIGUSR1 opens it on the port the process was started with (`--inspect-port`), so only
 * the measured window is profiled, not the process's start.
 */
export async function profileProcess(pid: number, inspectPort: number, during: () => Promise<void>): Promise<CpuProfile> {
  process.kill(pid, 'SIGUSR1');
  const target = await inspectorUrl(inspectPort);
  const socket = new WebSocket(target);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      const listener = (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        socket.off('message', listener);
        if (message.error === undefined) resolve(message.result);
        else reject(new Error(`${method}: ${message.error.message}`));
      };
      socket.on('message', listener);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: 500 });
    await call('Profiler.start');
    await during();
    const { profile } = (await call('Profiler.stop')) as { profile: CpuProfile };
    return profile;
  } finally {
    socket.close();
  }
}

async function inspectorUrl(port: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
      if (targets[0] !== undefined) return targets[0].webSocketDebuggerUrl;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no inspector on port ${port}`, { cause: error });
    }
    await sleep(100);
  }
}

/** The functions that used the most CPU themselves (not counting what they called). */
export function topSelfTime(profile: CpuProfile, repositoryRoot: string, count: number): SelfTimeRow[] {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, SelfTimeRow & { hits: number }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url === '' ? '' : `${shorten(url, repositoryRoot)}:${lineNumber + 1}`;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const key = `${name} ${location}`;
    const row = byFunction.get(key) ?? { function: name, location, selfPercent: 0, hits: 0 };
    row.hits += node.hitCount ?? 0;
    byFunction.set(key, row);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, count)
    .map(({ hits, ...row }) => ({ ...row, selfPercent: (100 * hits) / Math.max(total, 1) }));
}

function shorten(url: string, repositoryRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const packages = path.lastIndexOf('/node_modules/');
  if (packages >= 0) return path.slice(packages + 1);
  return path.startsWith(repositoryRoot) ? path.slice(repositoryRoot.length + 1) : path;
}
