import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { AtSession, MAX_ANSWER_LINES } from './at-session';

/** A session whose writes are recorded and whose modem side the test plays line by line. */
function session() {
  const written: string[] = [];
  const unsolicited: string[] = [];
  const at = new AtSession(
    (data) => written.push(data),
    (line) => unsolicited.push(line),
  );
  return { at, written, unsolicited };
}

const command = (text: string, extra: { payload?: string; timeoutMs?: number } = {}) => ({ command: text, timeoutMs: 1_000, ...extra });

describe(AtSession.name, () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the next command only after the final result of the one before', async () => {
    const { at, written } = session();
    const first = at.run(command('AT+CMGR=1'));
    const second = at.run(command('AT+CMGD=1'));
    expect(written).toEqual(['AT+CMGR=1\r']);

    at.receiveLine('AT+CMGR=1');
    at.receiveLine('+CMGR: 0,,5');
    at.receiveLine('0011');
    at.receiveLine('OK');
    expect(await first).toEqual(['+CMGR: 0,,5', '0011']);
    expect(written).toEqual(['AT+CMGR=1\r', 'AT+CMGD=1\r']);
    at.receiveLine('OK');
    expect(await second).toEqual([]);
  });

  it('hands unsolicited result codes to their listener, even in the middle of an answer', async () => {
    const { at, unsolicited } = session();
    const listing = at.run(command('AT+CMGL=4'));
    at.receiveLine('+CMGL: 1,0,,5');
    at.receiveLine('+CMTI: "SM",2');
    at.receiveLine('OK');
    expect(await listing).toEqual(['+CMGL: 1,0,,5']);
    expect(unsolicited).toEqual(['+CMTI: "SM",2']);
  });

  it('keeps in the answer a text line that only starts like an unsolicited code', async () => {
    const { at, unsolicited } = session();
    const reading = at.run(command('AT+CMGR=1'));
    at.receiveLine('+CMGR: "REC UNREAD","+49",,"26/02/12,12:45:04+00",145,4,0,0,"+44",145,11');
    at.receiveLine('RINGO STARR');
    at.receiveLine('OK');
    expect(await reading).toHaveLength(2);
    expect(unsolicited).toEqual([]);
  });

  it('types the payload and Ctrl-Z only at the prompt', async () => {
    const { at, written } = session();
    const sending = at.run(command('AT+CMGS=18', { payload: '0011' }));
    at.receivePrompt();
    at.receivePrompt();
    at.receiveLine('+CMGS: 7');
    at.receiveLine('OK');
    expect(await sending).toEqual(['+CMGS: 7']);
    expect(written).toEqual(['AT+CMGS=18\r', '0011\u001a']);
  });

  it('reports a +CMS ERROR with its meaning, under the code the command asks for', async () => {
    const { at } = session();
    const sending = at.run({ ...command('AT+CMGS=18', { payload: '00' }), failure: SmsCarrierErrorCode.SendRejected });
    at.receivePrompt();
    at.receiveLine('+CMS ERROR: 42');
    await expect(sending).rejects.toMatchObject({
      code: SmsCarrierErrorCode.SendRejected,
      message: 'AT+CMGS=18 answered +CMS ERROR: 42 (congestion)',
    });
    const reading = at.run(command('AT+CMGR=9'));
    at.receiveLine('+CMS ERROR: 321');
    await expect(reading).rejects.toMatchObject({
      code: SmsCarrierErrorCode.CommandFailed,
      message: 'AT+CMGR=9 answered +CMS ERROR: 321 (invalid memory index)',
    });
  });

  it('gives up on a command after its timeout, escapes a pending message entry, and goes on with the next', async () => {
    const { at, written } = session();
    const stuck = at.run(command('AT+CMGS=18', { payload: '00', timeoutMs: 5_000 }));
    const next = at.run(command('AT'));
    vi.advanceTimersByTime(5_000);
    await expect(stuck).rejects.toMatchObject({ code: SmsCarrierErrorCode.Timeout, message: 'AT+CMGS=18 got no final result in 5000 ms' });
    expect(written).toEqual(['AT+CMGS=18\r', '\u001b', 'AT\r']);
    at.receiveLine('OK');
    expect(await next).toEqual([]);
  });

  it('fails an answer longer than any real one instead of holding it all', async () => {
    const { at } = session();
    const flood = at.run(command('AT+CMGL=4'));
    for (let line = 0; line < MAX_ANSWER_LINES * 3; line++) at.receiveLine(`+CMGL: ${line},0,,5`);
    at.receiveLine('OK');
    await expect(flood).rejects.toMatchObject({
      code: SmsCarrierErrorCode.MalformedInput,
      message: `AT+CMGL=4 answered more than ${MAX_ANSWER_LINES} lines`,
    });
  });

  it('fails the running, queued and later commands once closed', async () => {
    const { at, written } = session();
    const running = at.run(command('AT'));
    const queued = at.run(command('ATE0'));
    at.close(new SmsCarrierError(SmsCarrierErrorCode.Closed, 'gone'));
    await expect(running).rejects.toMatchObject({ code: SmsCarrierErrorCode.Closed });
    await expect(queued).rejects.toMatchObject({ code: SmsCarrierErrorCode.Closed });
    await expect(at.run(command('AT'))).rejects.toMatchObject({ code: SmsCarrierErrorCode.Closed });
    expect(written).toEqual(['AT\r']);
  });
});
