import { ClientError, ClientErrorCode, LoginApi } from '@coming/client';
import { audienceOfServerUrl } from '@coming/identity';
import { wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loginDevice } from '../../generator/load-account';
import type { Attack } from '../attack';

const FLOODERS = 8;
const HONEST_LOGINS = 4;
const HONEST_SPACING_MS = 600;

/**
 * Login attempts with forged signatures for the honest sender's account, from many
 * addresses, to lock its owner out. Expected: forged attempts cost only the attacker's own
 * per-address budget; the owner's logins, validly signed, all succeed.
 */
export const loginFloodAttack: Attack = {
  name: 'login-flood',
  description: "forged logins for a user's account from many addresses (lockout only by valid logins)",
  async start({ senderUrl, sender }) {
    const api = new LoginApi(senderUrl);
    const audience = audienceOfServerUrl(senderUrl);
    const tally = { badSignature: 0, rateLimited: 0, failed: 0, accepted: 0 };
    let stopped = false;
    const forge = async () => {
      while (!stopped) {
        try {
          const { challenge } = await api.challenge();
          await api.login({
            accountId: sender.device.accountId,
            deviceId: sender.device.deviceId,
            challenge,
            signature: randomBytes(64),
            audience,
          });
          tally.accepted += 1;
        } catch (error) {
          tally[kindOf(error)] += 1;
        }
      }
    };
    const flooding = Promise.all(Array.from({ length: FLOODERS }, forge));
    const honest = { ok: 0, failed: 0 };
    const owner = (async () => {
      for (let n = 0; n < HONEST_LOGINS; n += 1) {
        await sleep(HONEST_SPACING_MS);
        await loginDevice(senderUrl, sender.key, sender.device.deviceId).then(
          () => (honest.ok += 1),
          () => (honest.failed += 1),
        );
      }
    })();
    return {
      async stop() {
        await owner;
        stopped = true;
        await flooding;
        return {
          summary:
            `forged logins: ${tally.badSignature} refused as bad signatures, ${tally.rateLimited} rate-limited, ${tally.failed} failed otherwise, ` +
            `${tally.accepted} accepted; the owner's logins: ${honest.ok}/${HONEST_LOGINS} succeeded`,
          figures: { ...tally, ownerLoginsOk: honest.ok, ownerLoginsFailed: honest.failed },
          honestUnharmed: honest.ok === HONEST_LOGINS && tally.accepted === 0,
        };
      },
    };
  },
};

function kindOf(error: unknown): 'badSignature' | 'rateLimited' | 'failed' {
  if (!(error instanceof ClientError)) return 'failed';
  if (error.code === ClientErrorCode.Unauthenticated) return 'badSignature';
  return error.serverError?.code === wire.ErrorCode.ERROR_CODE_RATE_LIMITED ? 'rateLimited' : 'failed';
}
