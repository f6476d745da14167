import type { auth, keys, mailbox, payments } from '@coming/proto';
import { grpcServices } from './grpc-services';

/** The methods (as ts-proto names them) one caller may call on a service. */
type Methods<Client> = readonly Extract<keyof Client, string>[];

/**
 * Which service may call which RPCs of each gRPC service, by the name of the calling
 * service. Each caller presents a token of its own; a server accepts only the tokens of the
 * callers listed here (GRPC_<CALLER>_TOKEN) and refuses other methods with PERMISSION_DENIED.
 * Only gateways call anything today.
 */
export const grpcCallerPolicy: Record<string, Record<string, readonly string[]>> = {
  [grpcServices.auth.service]: {
    gateway: [
      'createChallenge',
      'login',
      'refresh',
      'getDevices',
      'markDeviceReady',
      'listDevices',
      'removeDevice',
      'setDeviceName',
    ] satisfies Methods<auth.AuthServiceClient>,
  },
  [grpcServices.mailbox.service]: {
    gateway: ['enqueue', 'fetch', 'ack'] satisfies Methods<mailbox.MailboxServiceClient>,
  },
  [grpcServices.keys.service]: {
    gateway: ['uploadKeys', 'getPreKeyCount', 'getPreKeyBundles'] satisfies Methods<keys.KeysServiceClient>,
  },
  [grpcServices.payments.service]: {
    gateway: [
      'getChainInfo',
      'watchAddresses',
      'unwatchAddresses',
      'getUtxos',
      'getHistory',
      'getPaymentStatuses',
      'registerPaymentRequest',
      'getFeeEstimate',
      'broadcastTransaction',
      'getXbtcInfo',
      'watchXbtcAddresses',
      'getXbtcBalance',
      'quoteXbtcFee',
      'relayXbtcTransfer',
      'getXbtcTransfers',
    ] satisfies Methods<payments.PaymentsServiceClient>,
  },
};

/** The services that may call `service` (an app name such as "auth"); empty for one nobody calls. */
export function grpcCallersOf(service: string): string[] {
  const definition = Object.entries(grpcServices).find(([name]) => name === service)?.[1];
  return definition === undefined ? [] : Object.keys(grpcCallerPolicy[definition.service] ?? {});
}

/** The environment variable that gives a server the token of one of its callers. */
export function grpcCallerTokenVariable(caller: string): string {
  return `GRPC_${caller.toUpperCase()}_TOKEN`;
}
