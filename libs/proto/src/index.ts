import { join } from 'node:path';

export * as auth from './generated/coming/auth/v1/auth';
export * as common from './generated/coming/common/v1/outcomes';
export * as content from './generated/coming/content/v1/content';
export * as devices from './generated/coming/devices/v1/devices';
export * as events from './generated/coming/events/v1/events';
export * as keys from './generated/coming/keys/v1/keys';
export * as mailbox from './generated/coming/mailbox/v1/mailbox';
export * as messaging from './generated/coming/messaging/v1/envelope';
export * as payments from './generated/coming/payments/v1/payments';
export * as sms from './generated/coming/sms/v1/sms';
export * as wire from './generated/coming/wire/v1/wire';

/** Folder holding the .proto sources, which the gRPC loader reads at run time. */
export const PROTO_ROOT = join(__dirname, '..', 'proto');
export * from './protocol-limits';
