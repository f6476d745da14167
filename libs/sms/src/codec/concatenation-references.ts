import type { PhoneNumber } from '../sms-carrier';

/** How many destinations keep their counter; past that the longest-unused one starts afresh. */
const REMEMBERED_DESTINATIONS = 4_096;

/**
 * Hands out concatenation references, one counter per destination, counting up and wrapping.
 * A destination's counter starts at a random value: after a restart or after being forgotten,
 * counting from 0 again would repeat references the receiver still remembers as completed
 * and takes for duplicates.
 */
export class ConcatenationReferences {
  private readonly next = new Map<PhoneNumber, number>();

  constructor(
    readonly referenceBits: 8 | 16 = 8,
    private readonly randomStart: (modulus: number) => number = randomBelow,
  ) {}

  /** The reference for the next message to `to`. */
  take(to: PhoneNumber): number {
    const modulus = 2 ** this.referenceBits;
    const reference = this.next.get(to) ?? this.randomStart(modulus) % modulus;
    // Deleting before setting keeps the map in order of use, so the first entry is the stalest.
    this.next.delete(to);
    this.next.set(to, (reference + 1) % modulus);
    if (this.next.size > REMEMBERED_DESTINATIONS) this.next.delete(this.next.keys().next().value!);
    return reference;
  }
}

function randomBelow(modulus: number): number {
  return crypto.getRandomValues(new Uint16Array(1))[0]! % modulus;
}
