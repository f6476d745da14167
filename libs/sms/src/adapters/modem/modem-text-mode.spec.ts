import { describe, expect, it } from 'vitest';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { parseTextModeMessage, textModePayload } from './modem-text-mode';

// stat, sender, name, time stamp, sender type, first octet, protocol, data coding, SMSC, its type, length (TS 27.005 §3.4.3 with AT+CSDH=1).
const header = (sender: string, senderType: number, firstOctet: number, dataCoding: number) =>
  `+CMGR: "REC UNREAD","${sender}",,"26/02/12,12:45:04+00",${senderType},${firstOctet},0,${dataCoding},"+447785016005",145,5`;

describe(parseTextModeMessage.name, () => {
  it('reads GSM text, its characters sent as their septets, and puts back the plus of an international sender', () => {
    expect(parseTextModeMessage([header('4912345678', 145, 4, 0), '\u0000 costs \u0001 5 '])).toEqual({
      from: '+4912345678',
      kind: 'part',
      part: { body: { coding: 'gsm7', text: '@ costs £ 5 ' } },
    });
  });

  it('joins a text that spans lines with a line feed', () => {
    expect(parseTextModeMessage([header('+49', 145, 4, 0), 'one', 'two'])).toMatchObject({ part: { body: { text: 'one\ntwo' } } });
  });

  it('reads 8-bit data and UCS2 text from their hexadecimal form', () => {
    expect(parseTextModeMessage([header('+49', 145, 4, 4), 'C04D01'])).toMatchObject({
      part: { body: { coding: 'binary', bytes: Uint8Array.of(0xc0, 0x4d, 0x01) } },
    });
    expect(parseTextModeMessage([header('+49', 145, 4, 8), '00480069'])).toMatchObject({ part: { body: { coding: 'gsm7', text: 'Hi' } } });
  });

  it('discards a message with a user data header, which text mode cannot show, and an alphanumeric sender keeps its name', () => {
    expect(parseTextModeMessage([header('Coming', 208, 0x44, 0), 'x'])).toEqual({
      from: 'Coming',
      kind: 'discarded',
      reason: expect.stringContaining('use mode=pdu'),
    });
  });

  it('finds no message in an answer without a +CMGR line (an empty slot)', () => {
    expect(parseTextModeMessage([])).toBeUndefined();
  });

  it('refuses text longer than one SMS', () => {
    expect(() => parseTextModeMessage([header('+49', 145, 4, 0), 'x'.repeat(161)])).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidPart }),
    );
  });
});

describe(textModePayload.name, () => {
  it('types each character as its septet', () => {
    expect(textModePayload({ body: { coding: 'gsm7', text: '@£a' } })).toBe('\u0000\u0001a');
  });

  it('refuses headers, binary data, and characters whose septet would end the message', () => {
    const refusal = (reason: string): Error => {
      const matcher: Error = expect.objectContaining({ code: SmsCarrierErrorCode.InvalidPart, message: expect.stringContaining(reason) });
      return matcher;
    };
    expect(() => textModePayload({ udh: Uint8Array.of(0, 3, 1, 2, 1), body: { coding: 'gsm7', text: 'a' } })).toThrow(
      refusal('use mode=pdu'),
    );
    expect(() => textModePayload({ body: { coding: 'binary', bytes: Uint8Array.of(1) } })).toThrow(refusal('use mode=pdu'));
    expect(() => textModePayload({ body: { coding: 'gsm7', text: 'aΞ' } })).toThrow(refusal('"Ξ"'));
    expect(() => textModePayload({ body: { coding: 'gsm7', text: 'a€' } })).toThrow(refusal('"€"'));
  });
});
