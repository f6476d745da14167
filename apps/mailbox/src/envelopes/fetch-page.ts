import { FETCH_ENTRY_BYTES } from '@coming/proto';
import type { EnvelopeReference } from './envelopes.repository';

/**
 * The envelopes one Fetch page carries, from the head of `references`: at most `limit`,
 * and no more than `budget` bytes with their framing, except that the first always goes,
 * so that a mailbox of large envelopes still drains one per page.
 */
export function pageOf(references: EnvelopeReference[], limit: number, budget: number): EnvelopeReference[] {
  const page: EnvelopeReference[] = [];
  let bytes = 0;
  for (const reference of references.slice(0, limit)) {
    bytes += reference.bytes + FETCH_ENTRY_BYTES;
    if (page.length > 0 && bytes > budget) break;
    page.push(reference);
  }
  return page;
}
