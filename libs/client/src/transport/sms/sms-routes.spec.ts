import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { keys } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { StateKeeper } from '../../state-keeper';
import { MemoryClientStore } from '../../store/memory-client-store';
import { SmsRoutes } from './sms-routes';
import { SmsTransportErrorCode } from './sms-transport.errors';

const OWN = accountKeyFromMnemonic(createMnemonic()).accountId;
const CONTACT = accountKeyFromMnemonic(createMnemonic()).accountId;

describe(SmsRoutes.name, () => {
  let keeper: StateKeeper;
  let routes: SmsRoutes;

  beforeEach(() => {
    keeper = new StateKeeper({ accountId: OWN, recipients: {}, seen: [] }, new MemoryClientStore());
    routes = new SmsRoutes(keeper);
  });

  it('sets a route on device 1 under auto, keeps the policy when the phone changes, and lists it', () => {
    expect(routes.set(CONTACT, { phone: '+15550002' })).toEqual({ phone: '+15550002', device: 1, policy: 'auto' });
    routes.setPolicy(CONTACT, 'sms');
    expect(routes.set(CONTACT, { phone: '+15550009', device: 3 })).toEqual({ phone: '+15550009', device: 3, policy: 'sms' });
    expect(routes.list()).toEqual([{ accountId: CONTACT, phone: '+15550009', device: 3, policy: 'sms', bundleCached: false }]);
  });

  it('keeps a cached bundle as it was fetched, until dropped or the route removed', () => {
    const bundles: keys.Bundles = {
      identityKey: { publicKey: randomBytes(33), accountSignature: randomBytes(64) },
      devices: [
        {
          deviceId: 1,
          registrationId: 7,
          signedPreKey: undefined,
          kyberPreKey: undefined,
          oneTimePreKey: { keyId: 5, publicKey: randomBytes(33) },
        },
      ],
    };
    routes.set(CONTACT, { phone: '+15550002' });
    routes.cacheBundle(CONTACT, bundles);
    expect(routes.cachedBundle(CONTACT)).toEqual(keys.Bundles.decode(keys.Bundles.encode(bundles).finish()));
    expect(routes.list()[0]?.bundleCached).toBe(true);
    routes.dropBundle(CONTACT);
    expect(routes.cachedBundle(CONTACT)).toBeUndefined();
    routes.cacheBundle(CONTACT, bundles);
    expect(routes.remove(CONTACT)).toBe(true);
    expect(routes.cachedBundle(CONTACT)).toBeUndefined();
    expect(routes.remove(CONTACT)).toBe(false);
  });

  it('holds the phone in the client state only, under sms', () => {
    routes.set(CONTACT, { phone: '+15550002' });
    expect(keeper.state.sms?.routes[CONTACT]?.phone).toBe('+15550002');
  });

  it.each([
    ['an account ID that is not one', () => routes.set('bob', { phone: '+15550002' }), 'is not an account ID'],
    ['this account', () => routes.set(OWN, { phone: '+15550002' }), 'is this account'],
    ['a phone without +', () => routes.set(CONTACT, { phone: '15550002' }), 'not in E.164'],
    ['a phone starting +0', () => routes.set(CONTACT, { phone: '+05550002' }), 'not in E.164'],
    ['device 0', () => routes.set(CONTACT, { phone: '+15550002', device: 0 }), 'device 0'],
    ['device 128', () => routes.set(CONTACT, { phone: '+15550002', device: 128 }), 'device 128'],
    ['an unknown policy', () => routes.setPolicy(CONTACT, 'pigeon' as never), 'policy "pigeon"'],
  ])('refuses %s with INVALID_ROUTE naming it', (_, call, reason) => {
    expect(call).toThrow(expect.objectContaining({ code: SmsTransportErrorCode.InvalidRoute, message: expect.stringContaining(reason) }));
  });

  it('refuses a policy for a contact with no phone, with NO_ROUTE', () => {
    expect(() => routes.setPolicy(CONTACT, 'sms')).toThrow(expect.objectContaining({ code: SmsTransportErrorCode.NoRoute }));
  });
});
