import { expect } from 'vitest';
import type { CiphertextMessage } from '../../src/ratchet/session-cipher';
import type { ProtocolAddress } from '../../src/stores/protocol-address';

/** Either implementation, seen from a test: encrypt to and decrypt from a remote address. */
export interface ConversationPeer {
  address: ProtocolAddress;
  encrypt(remote: ProtocolAddress, plaintext: Uint8Array): Promise<CiphertextMessage>;
  decrypt(remote: ProtocolAddress, message: CiphertextMessage): Promise<Uint8Array>;
}

interface InFlight {
  message: CiphertextMessage;
  plaintext: Uint8Array;
  /** How many later messages were delivered before this one. */
  overtakenBy: number;
}

/** Small seeded generator so that a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function randomPlaintext(random: () => number, label: string): Uint8Array {
  const body = new Uint8Array(Math.floor(random() * 1_200));
  for (let index = 0; index < body.length; index++) body[index] = Math.floor(random() * 256);
  return new Uint8Array([...new TextEncoder().encode(`${label}|`), ...body]);
}

// A message is overtaken at most 4 times, so at most 4 newer sending chains reach the
// receiver before it and its own chain is still among the 5 both implementations keep.
const MAX_OVERTAKEN = 4;
const REORDER_WINDOW = 5;
const SEND_PROBABILITY = 0.5;

/**
 * Sends `messagesEachWay` messages in each direction with random interleaving, delivering
 * each direction out of order within a small window, and checks every plaintext.
 */
export async function runRandomConversation(
  first: ConversationPeer,
  second: ConversationPeer,
  messagesEachWay: number,
  random: () => number,
): Promise<{ outOfOrderDeliveries: number }> {
  let outOfOrderDeliveries = 0;
  const directions = [
    { from: first, to: second, queue: [] as InFlight[], sent: 0, delivered: 0 },
    { from: second, to: first, queue: [] as InFlight[], sent: 0, delivered: 0 },
  ];
  // The initiator speaks first: the responder has no session until it has read a message.
  const [opening] = directions;
  for (let step = 0; directions.some((direction) => direction.sent < messagesEachWay || direction.queue.length > 0); step++) {
    const direction = step === 0 ? opening! : directions[Math.floor(random() * 2)]!;
    const canSend = direction.sent < messagesEachWay && (direction === opening || opening!.delivered > 0);
    if (canSend && (direction.queue.length === 0 || random() < SEND_PROBABILITY)) {
      const plaintext = randomPlaintext(random, `${direction.from.address.name}#${direction.sent++}`);
      direction.queue.push({ message: await direction.from.encrypt(direction.to.address, plaintext), plaintext, overtakenBy: 0 });
      continue;
    }
    if (direction.queue.length === 0) continue;
    const overdue = direction.queue[0]!.overtakenBy >= MAX_OVERTAKEN;
    const index = overdue ? 0 : Math.floor(random() * Math.min(REORDER_WINDOW, direction.queue.length));
    if (index > 0) outOfOrderDeliveries++;
    for (const earlier of direction.queue.slice(0, index)) earlier.overtakenBy++;
    const [inFlight] = direction.queue.splice(index, 1);
    expect(await direction.to.decrypt(direction.from.address, inFlight!.message)).toEqual(inFlight!.plaintext);
    direction.delivered++;
  }
  return { outOfOrderDeliveries };
}
