import { describe, expect, it } from 'vitest';
import { subjectPatternOf, subjectPatterns, subjects } from './subjects';

describe(subjectPatternOf.name, () => {
  it('maps every subject to its own pattern, so that permissions and traces cover each one', () => {
    for (const [name, subject] of Object.entries(subjects)) {
      expect(subjectPatternOf(subject('coming1someone', 7)), name).toBe(subjectPatterns[name as keyof typeof subjects]);
    }
  });

  it('keeps only the first token of a subject it does not know, so no identifier reaches a trace', () => {
    expect(subjectPatternOf('receipts.coming1someone.7')).toBe('receipts.>');
    expect(subjectPatternOf('ping')).toBe('ping');
  });
});
