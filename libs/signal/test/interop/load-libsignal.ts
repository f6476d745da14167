// libsignal-client is ESM-only and a test-time reference peer, never a runtime dependency.
export type Libsignal = typeof import('@signalapp/libsignal-client');

export function loadLibsignal(): Promise<Libsignal> {
  return import('@signalapp/libsignal-client');
}

/** libsignal's typings want ArrayBuffer-backed arrays; ours are plain Uint8Array. */
export function forLibsignal(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}
