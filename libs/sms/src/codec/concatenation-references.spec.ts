import { describe, expect, it } from 'vitest';
import { ConcatenationReferences } from './concatenation-references';

describe(ConcatenationReferences.name, () => {
  it('counts up per destination from a random start, each destination on its own', () => {
    const starts = [200, 7];
    const references = new ConcatenationReferences(8, () => starts.shift()!);
    expect([references.take('+15550001'), references.take('+15550001'), references.take('+15550002')]).toEqual([200, 201, 7]);
    expect(references.take('+15550001')).toBe(202);
  });

  it('wraps at the reference width', () => {
    const narrow = new ConcatenationReferences(8, () => 255);
    expect([narrow.take('+15550001'), narrow.take('+15550001')]).toEqual([255, 0]);
    const wide = new ConcatenationReferences(16, () => 65_535);
    expect([wide.take('+15550001'), wide.take('+15550001')]).toEqual([65_535, 0]);
  });

  it('starts within the reference width with the default randomness', () => {
    const references = new ConcatenationReferences(8);
    for (let index = 0; index < 50; index++) expect(references.take(`+1555${index}`)).toBeLessThan(256);
  });
});
