import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { AttackEffect, AttackTarget } from './attack';

export interface AttackerOrders {
  names: string[];
  target: AttackTarget;
  /** Where the attackers' source addresses start, apart from the honest users'. */
  firstAddress: number;
}

export type AttackerReport = { started: true } | { effects: NamedEffect[] } | { failed: string };

export type NamedEffect = AttackEffect & { attack: string };

// The attackers' process runs TypeScript sources as `npm run` scripts do.
const REGISTER = join(__dirname, '..', '..', '..', 'tools', 'register.cjs');

/**
 * Attacks running in a process of their own, from set-up until stop(): the attackers get
 * their own event loop and CPU time, so the honest pair's latency measures the server, not
 * a generator busy flooding.
 */
export class AttackProcess {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts the attacks; resolves once every one is set up and running. */
  static async start(orders: AttackerOrders): Promise<AttackProcess> {
    const child = fork(join(__dirname, 'attacker.main.ts'), [], {
      execArgv: ['--require', REGISTER],
      // Keeps the orders' byte arrays (keys, tokens) as they are.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const attackers = new AttackProcess(child);
    const started = attackers.next();
    child.send(orders);
    const report = await started;
    if (!('started' in report)) {
      child.kill('SIGKILL');
      throw unexpected(report);
    }
    return attackers;
  }

  /** Stops the attacks and tells what each achieved. */
  async stop(): Promise<NamedEffect[]> {
    const answer = this.next();
    this.child.send('stop');
    const report = await answer;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
    if (!('effects' in report)) throw unexpected(report);
    return report.effects;
  }

  private next(): Promise<AttackerReport> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the attackers' process exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (report: AttackerReport) => {
        this.child.off('exit', onExit);
        resolve(report);
      });
    });
  }
}

function unexpected(report: AttackerReport): Error {
  return new Error('failed' in report ? `the attacks failed: ${report.failed}` : `the attackers' process sent ${JSON.stringify(report)}`);
}
