import { generateSigningKey, publicKeyOf } from '@coming/access-token';
import { loadConfig } from '@coming/config';
import { describe, expect, it } from 'vitest';
import { serviceConfigsOf } from './service-configs';
import { singleNodeConfigSchema } from './single-node.config';

const signingKey = generateSigningKey();
const wiring = { signingKey, authPublicKey: publicKeyOf(signingKey) };

describe(serviceConfigsOf.name, () => {
  it('applies the documented limits from the environment, as the scaled services do', () => {
    const env = {
      GATEWAY_MAX_FRAME_BYTES: '2048',
      GATEWAY_SENDS_PER_DEVICE_PER_MINUTE: '3',
      MAILBOX_MAX_ENVELOPES_PER_DEVICE: '7',
    };
    const configs = serviceConfigsOf(loadConfig(singleNodeConfigSchema, env), wiring, env);
    expect(configs.gateway.GATEWAY_MAX_FRAME_BYTES).toBe(2048);
    expect(configs.gateway.GATEWAY_SENDS_PER_DEVICE_PER_MINUTE).toBe(3);
    expect(configs.mailbox.MAILBOX_MAX_ENVELOPES_PER_DEVICE).toBe(7);
  });

  it('keeps the wiring between its services whatever the environment says', () => {
    const env = { PORT: '9000', COMING_INTERNAL_PORT_BASE: '40000', MAILBOX_GRPC_URL: '0.0.0.0:1', GATEWAY_PORT: '1' };
    const configs = serviceConfigsOf(loadConfig(singleNodeConfigSchema, env), wiring, env);
    expect(configs.gateway.GATEWAY_PORT).toBe(9000);
    expect(configs.mailbox.MAILBOX_GRPC_URL).toBe('127.0.0.1:40001');
    expect(configs.gateway.MAILBOX_GRPC_TARGET).toBe('127.0.0.1:40001');
    expect(configs.auth.AUTH_SIGNING_KEY).toBe(signingKey);
  });

  it('names a malformed limit', () => {
    const env = { GATEWAY_MAX_FRAME_BYTES: 'lots' };
    expect(() => serviceConfigsOf(loadConfig(singleNodeConfigSchema, env), wiring, env)).toThrow(/GATEWAY_MAX_FRAME_BYTES/);
  });
});
