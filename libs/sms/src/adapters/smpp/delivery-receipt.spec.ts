import { describe, expect, it } from 'vitest';
import { readReceiptText, receiptText } from './delivery-receipt';

describe(receiptText.name, () => {
  it('writes the SMPP 3.4 Appendix B form, dates in UTC, and no message text', () => {
    const text = receiptText('0000002a', 'DELIVRD', new Date('2026-03-04T05:06:07Z'), new Date('2026-03-04T05:07:59Z'));

    expect(text).toBe('id:0000002a sub:001 dlvrd:001 submit date:2603040506 done date:2603040507 stat:DELIVRD err:000 text:');
  });

  it('is read back by readReceiptText, which refuses what is no receipt', () => {
    const now = new Date();

    expect(readReceiptText(receiptText('ab12', 'UNDELIV', now, now))).toEqual({ messageId: 'ab12', state: 'UNDELIV' });
    expect(readReceiptText('id:7 stat:WHATEVR')).toBeUndefined();
    expect(readReceiptText('hello, stat:DELIVRD')).toBeUndefined();
  });
});
