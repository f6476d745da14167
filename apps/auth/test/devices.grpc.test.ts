import { subjects } from '@coming/broker';
import { callGrpc, GrpcStatus } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { events } from '@coming/proto';
import { createTestInfrastructure, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthUnderTest, DEADLINE_MS, startAuthUnderTest, subscribeOnce } from './auth-test-service';

const UNREADY_TTL_MS = 3_600_000;

describe('recipient devices', () => {
  let infrastructure: TestInfrastructure;
  let auth: AuthUnderTest;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth-devices');
    auth = await startAuthUnderTest(infrastructure, { AUTH_UNREADY_DEVICE_TTL_MS: String(UNREADY_TTL_MS) });
  });

  afterAll(async () => {
    await auth.close();
    await infrastructure.release();
  });

  const devicesOf = (accountId: string) => callGrpc(auth.client.getDevices({ accountId }), DEADLINE_MS);
  const markReady = (accountId: string, deviceId: number) => callGrpc(auth.client.markDeviceReady({ accountId, deviceId }), DEADLINE_MS);
  const nextDevicesChanged = async (accountId: string) => {
    const { next } = await subscribeOnce(infrastructure.broker, subjects.devicesChanged(accountId));
    return { event: next.then((data) => events.DevicesChanged.decode(data)) };
  };

  it('lists a device only once it has published its keys, and announces the change', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    await auth.loggedIn(mnemonic, 0);
    await auth.loggedIn(mnemonic, 0);
    await markReady(accountId, 1);
    // Device 2 registered but has no keys yet: a sender could not encrypt to it.
    expect(await devicesOf(accountId)).toMatchObject({ devices: { deviceIds: [1] } });

    const changed = await nextDevicesChanged(accountId);
    await markReady(accountId, 2);
    expect(await changed.event).toEqual({ accountId, deviceIds: [1, 2], removed: [] });
    expect(await devicesOf(accountId)).toMatchObject({ devices: { deviceIds: [1, 2] } });

    // Idempotent: a repeated call changes nothing and repeats the announcement.
    const repeated = await nextDevicesChanged(accountId);
    await markReady(accountId, 2);
    expect(await repeated.event).toEqual({ accountId, deviceIds: [1, 2], removed: [] });
  });

  it('says NOT_FOUND for a device that is not registered', async () => {
    const { accountId } = accountKeyFromMnemonic(createMnemonic());
    await expect(markReady(accountId, 3)).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      message: expect.stringMatching(/device 3 of account .* is not registered/),
    });
  });

  it('gives the slot of a device that never became ready to a new device after a while', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    await auth.loggedIn(mnemonic, 1);
    await markReady(accountId, 1);
    // Fourteen more ready devices and one, number 9, that registered two hours ago and never published keys.
    await sql`insert into devices (account_id, device_id, ready_at) select ${accountId}, id, now() from generate_series(2, 16) id where id <> 9`.execute(
      infrastructure.db,
    );
    await sql`insert into devices (account_id, device_id, created_at) values (${accountId}, 9, now() - interval '2 hours')`.execute(
      infrastructure.db,
    );
    const revoked = await subscribeOnce(infrastructure.broker, subjects.deviceRevoked(accountId, 9));
    expect(await auth.login(mnemonic, 0)).toMatchObject({ loggedIn: { deviceId: 9 } });
    expect(events.DeviceRevoked.decode(await revoked.next).reason).toMatch(/never published its keys/);
  });

  it('keeps the slot of a device that registered recently', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    await auth.loggedIn(mnemonic, 1);
    await sql`insert into devices (account_id, device_id) select ${accountId}, id from generate_series(2, 16) id`.execute(
      infrastructure.db,
    );
    expect(await auth.login(mnemonic, 0)).toMatchObject({ tooManyDevices: { maxDevices: 16 } });
  });
});
