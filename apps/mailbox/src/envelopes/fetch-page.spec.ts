import { FETCH_ENTRY_BYTES } from '@coming/proto';
import { describe, expect, it } from 'vitest';
import { pageOf } from './fetch-page';

const references = (...sizes: number[]) => sizes.map((bytes, index) => ({ sequence: index + 1, bytes, envelope: null }));

describe(pageOf.name, () => {
  it('stops at the limit', () => {
    expect(pageOf(references(1, 1, 1), 2, 1_000_000).map((each) => each.sequence)).toEqual([1, 2]);
  });

  it('stops before the envelope that would pass the byte budget, framing included', () => {
    const budget = 2 * (100 + FETCH_ENTRY_BYTES);
    expect(pageOf(references(100, 100, 100), 10, budget).map((each) => each.sequence)).toEqual([1, 2]);
    expect(pageOf(references(100, 101, 1), 10, budget).map((each) => each.sequence)).toEqual([1]);
  });

  it('always carries the first envelope, however large', () => {
    expect(pageOf(references(5_000, 1), 10, 100).map((each) => each.sequence)).toEqual([1]);
  });
});
