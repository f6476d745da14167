/** Runs tasks one at a time in call order: Signal session state must not be updated concurrently. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<Result>(task: () => Promise<Result>): Promise<Result> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
