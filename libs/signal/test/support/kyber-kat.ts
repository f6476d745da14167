import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';

/** One vector of a NIST PQC KEM known-answer file; keys and ciphertext raw (unprefixed). */
export interface KemKnownAnswer {
  count: number;
  seed: Uint8Array;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

/** The 100 round-3 Kyber-1024 vectors of the reference implementation (see fixtures/README.md). */
export function readKyber1024KnownAnswers(): KemKnownAnswer[] {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'PQCkemKAT_3168.rsp'), 'utf8');
  return text
    .split(/\n\s*\n/)
    .filter((block) => block.startsWith('count'))
    .map((block) => {
      const fields = new Map(block.split('\n').map((line) => line.split(' = ') as [string, string]));
      const bytes = (name: string) => hexToBytes(fields.get(name)!.trim());
      return {
        count: Number(fields.get('count')),
        seed: bytes('seed'),
        publicKey: bytes('pk'),
        secretKey: bytes('sk'),
        ciphertext: bytes('ct'),
        sharedSecret: bytes('ss'),
      };
    });
}
