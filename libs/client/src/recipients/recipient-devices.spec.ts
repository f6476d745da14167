import { wire } from '@coming/proto';
import { describe, expect, it } from 'vitest';
import { ClientError, ClientErrorCode } from '../client.errors';
import { StateKeeper } from '../state-keeper';
import { MemoryClientStore } from '../store/memory-client-store';
import { OWN_DEVICES_RECHECK_MS, RecipientDevices } from './recipient-devices';

const OWN = 'coming1own';
const CONTACT = 'coming1contact';
const THIS_DEVICE = 2;

const mismatch = (missingDevices: number[], extraDevices: number[]) =>
  new ClientError(ClientErrorCode.Rejected, 'device list does not match', {
    code: wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH,
    message: '',
    missingDevices,
    extraDevices,
    retryAfterMs: 0,
  });

const recipientDevices = (now = () => 1_000_000) => {
  const keeper = new StateKeeper({ accountId: OWN, deviceId: THIS_DEVICE, recipients: {}, seen: [] }, new MemoryClientStore());
  return { keeper, devices: new RecipientDevices(keeper, now) };
};

describe(RecipientDevices.name, () => {
  it('knows nothing of an account it never wrote to, then what the key directory listed', () => {
    const { devices } = recipientDevices();
    expect(devices.known(CONTACT)).toBeUndefined();
    devices.adopt(CONTACT, [3, 1]);
    expect(devices.known(CONTACT)).toEqual([1, 3]);
  });

  it("never lists this device among its own account's devices", () => {
    const { devices } = recipientDevices();
    devices.adopt(OWN, [1, THIS_DEVICE, 3]);
    expect(devices.known(OWN)).toEqual([1, 3]);
    devices.learnSender(OWN, THIS_DEVICE);
    expect(devices.known(OWN)).toEqual([1, 3]);
    expect(devices.others(CONTACT, [THIS_DEVICE])).toEqual([THIS_DEVICE]);
  });

  it("adopts the server's correction: drops the extra devices and adds the missing ones", () => {
    const { devices } = recipientDevices();
    devices.adopt(CONTACT, [1, 2]);
    expect(devices.correct(CONTACT, mismatch([5], [1]))).toBe(true);
    expect(devices.known(CONTACT)).toEqual([2, 5]);
  });

  it('leaves the list alone for any error but a device mismatch', () => {
    const { devices } = recipientDevices();
    devices.adopt(CONTACT, [1]);
    expect(devices.correct(CONTACT, new ClientError(ClientErrorCode.Timeout, 'no answer'))).toBe(false);
    expect(devices.correct(CONTACT, new Error('a bug'))).toBe(false);
    expect(devices.known(CONTACT)).toEqual([1]);
  });

  it('learns the device a message came from, once', () => {
    const { devices } = recipientDevices();
    devices.learnSender(CONTACT, 4);
    devices.learnSender(CONTACT, 4);
    devices.learnSender(CONTACT, 1);
    expect(devices.known(CONTACT)).toEqual([1, 4]);
  });

  it('asks the directory again for its own other devices only after a while, while it knows of none', () => {
    let now = 1_000_000;
    const { devices } = recipientDevices(() => now);
    expect(devices.known(OWN)).toBeUndefined();
    devices.adopt(OWN, [THIS_DEVICE]);
    expect(devices.known(OWN)).toEqual([]);
    now += OWN_DEVICES_RECHECK_MS;
    expect(devices.known(OWN)).toBeUndefined();
    devices.learnSender(OWN, 7);
    expect(devices.known(OWN)).toEqual([7]);
  });

  it('forgets devices that left the account, and asks again at once after this device linked one', () => {
    const { devices } = recipientDevices();
    devices.adopt(OWN, [1, 3, 4]);
    devices.forget(OWN, [3, 9]);
    expect(devices.known(OWN)).toEqual([1, 4]);
    devices.forget(OWN, [1, 4]);
    expect(devices.known(OWN)).toEqual([]);
    devices.recheckOwnDevices();
    expect(devices.known(OWN)).toBeUndefined();
  });

  it('keeps its lists in the client state, which the caller saves', async () => {
    const store = new MemoryClientStore();
    const keeper = new StateKeeper({ accountId: OWN, deviceId: THIS_DEVICE, recipients: {}, seen: [] }, store);
    new RecipientDevices(keeper).adopt(CONTACT, [1]);
    await keeper.save();
    expect((await store.load())?.recipients).toEqual({ [CONTACT]: [1] });
  });
});
