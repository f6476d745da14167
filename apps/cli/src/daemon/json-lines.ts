import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Calls `onLine` with each newline-delimited line of `input`, in order, skipping blank ones. */
export function readLines(input: Readable, onLine: (line: string) => void): void {
  createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    if (line.trim() !== '') onLine(line);
  });
}

/** A JSON-RPC notification: a method call without an ID, answered by nobody. */
export function notification(method: string, params: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`;
}
