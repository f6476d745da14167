import { loadAverage } from './process-usage';

/** One status line on stderr, rewritten in place on a terminal; it also samples the load average. */
export class Progress {
  private readonly startedAt = Date.now();
  readonly loadSamples: number[] = [];
  private readonly sampler: NodeJS.Timeout;

  constructor() {
    this.loadSamples.push(loadAverage());
    this.sampler = setInterval(() => this.loadSamples.push(loadAverage()), 5_000);
    this.sampler.unref();
  }

  show(text: string): void {
    const line = `[${((Date.now() - this.startedAt) / 1000).toFixed(0).padStart(4)} s, load ${loadAverage().toFixed(1)}] ${text}`;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(`${line}\n`);
  }

  /** Ends the status line so that what follows starts on its own line. */
  done(): void {
    clearInterval(this.sampler);
    if (process.stderr.isTTY) process.stderr.write('\n');
  }

  get elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }
}
