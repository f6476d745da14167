import { describe, expect, it } from 'vitest';
import { commandStatusName, gsm7Octets, gsm7Text, phoneNumberOf } from './smpp-wire';

describe(gsm7Octets.name, () => {
  it('writes one octet per septet, extension characters as ESC pairs', () => {
    expect([...gsm7Octets('@A€')!]).toEqual([0x00, 0x41, 0x1b, 0x65]);
    expect(gsm7Text(gsm7Octets('@A€')!)).toBe('@A€');
  });

  it('refuses text with a character the default alphabet lacks, and a bare ESC', () => {
    expect(gsm7Octets('naïve')).toBeUndefined();
    expect(gsm7Octets('\x1b(')).toBeUndefined();
  });
});

describe(phoneNumberOf.name, () => {
  it('reads international digits, or + and digits with the type of number unknown, and nothing else', () => {
    expect(phoneNumberOf('15550001', 1)).toBe('+15550001');
    expect(phoneNumberOf('+15550001', 0)).toBe('+15550001');
    expect(phoneNumberOf('15550001', 2)).toBeUndefined();
    expect(phoneNumberOf('0123', 1)).toBeUndefined();
    expect(phoneNumberOf('1234567890123456', 1)).toBeUndefined();
  });
});

describe(commandStatusName.name, () => {
  it('names a status and its value', () => {
    expect(commandStatusName(0x58)).toBe('ESME_RTHROTTLED (0x58)');
    expect(commandStatusName(0x4242)).toBe('unknown status (0x4242)');
  });
});
