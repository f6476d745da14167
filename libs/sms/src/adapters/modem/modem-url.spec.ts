import { describe, expect, it } from 'vitest';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { parseModemUrl } from './modem-url';

describe(parseModemUrl.name, () => {
  it('reads the device path and options, with defaults', () => {
    expect(parseModemUrl('serial:///dev/ttyUSB0')).toEqual({ path: '/dev/ttyUSB0', baudRate: 115200, mode: 'pdu', storage: 'SM' });
    expect(parseModemUrl('serial:///dev/serial/by-id/usb-Modem%201?baud=9600&mode=text&storage=ME')).toEqual({
      path: '/dev/serial/by-id/usb-Modem 1',
      baudRate: 9600,
      mode: 'text',
      storage: 'ME',
    });
    expect(parseModemUrl('serial:///dev/ttyUSB0?pin=0042')).toMatchObject({ pin: '0042' });
  });

  it.each(['12', '123456789', '12a4', ''])('refuses the PIN %j without repeating it', (pin) => {
    const url = `serial://host/dev/ttyUSB0?pin=${pin}`;
    expect(() => parseModemUrl(url.replace('host', ''))).toThrow(
      expect.objectContaining({ message: 'modem URL: pin is not 4 to 8 digits' }),
    );
    // Another fault of a URL that holds a PIN names the URL without it.
    expect(() => parseModemUrl(url)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('pin') }));
  });

  it.each([
    ['serial://', 'does not name a device path'],
    ['serial://host/dev/ttyUSB0', 'does not name a device path'],
    ['http:///dev/ttyUSB0', 'scheme "http:" is not serial:'],
    ['serial:///dev/ttyUSB0?baud=1234', 'baud 1234 is not one of'],
    ['serial:///dev/ttyUSB0?mode=fast', 'mode "fast" is not pdu or text'],
    ['serial:///dev/ttyUSB0?storage=SR', 'storage "SR" is not SM, ME or MT'],
    ['serial:///dev/ttyUSB0?baudrate=9600', 'unknown option "baudrate"'],
    ['/dev/ttyUSB0', 'is not a URL'],
  ])('refuses %s, naming the fault', (url, reason) => {
    expect(() => parseModemUrl(url)).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidConfig, message: expect.stringContaining(reason) }),
    );
  });
});
