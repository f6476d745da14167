// Bitcoin Core's default dust relay fee: 3000 sat/kvB, 3 sat/vB (policy/policy.h).
const DUST_RELAY_FEE_RATE = 3n;
// What spending an output adds, in bytes, per Core's GetDustThreshold: outpoint, script
// length, signature script and sequence; a witness input's signature counts a quarter.
const SPEND_BYTES = 32n + 4n + 1n + 107n + 4n;
const WITNESS_SPEND_BYTES = 32n + 4n + 1n + 107n / 4n + 4n;

/**
 * The smallest amount an output with this script may hold before nodes refuse to relay
 * the transaction as dust: 294 sat for P2WPKH, 330 for P2WSH and P2TR, 546 for P2PKH.
 */
export function dustThreshold(script: Uint8Array): bigint {
  const outputBytes = 8n + BigInt(varIntLength(script.length) + script.length);
  return (outputBytes + (isWitnessProgram(script) ? WITNESS_SPEND_BYTES : SPEND_BYTES)) * DUST_RELAY_FEE_RATE;
}

// BIP-141: a version opcode (OP_0, OP_1..OP_16) followed by one push of 2 to 40 bytes.
function isWitnessProgram(script: Uint8Array): boolean {
  const [version, length] = script;
  if (version === undefined || length === undefined || script.length < 4 || script.length > 42) return false;
  return (version === 0x00 || (version >= 0x51 && version <= 0x60)) && length === script.length - 2;
}

function varIntLength(value: number): number {
  if (value < 0xfd) return 1;
  return value <= 0xffff ? 3 : 5;
}
