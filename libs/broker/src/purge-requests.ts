import type { Broker, BrokerSubscription } from './broker';
import { events } from '@coming/proto';
import { purgeTargetOf } from './subjects';

/**
 * Serves auth's requests to purge a removed device on `pattern` (subjectPatterns.purgeMailbox
 * or purgeKeys): `purge` deletes what the service holds for the device and returns how
 * many rows went. A request is answered only once the purge succeeded, so auth, which
 * waits for the answer, asks again until one does. Only auth may publish there.
 */
export function servePurgeRequests(
  broker: Broker,
  pattern: string,
  purge: (accountId: string, deviceId: number) => Promise<number>,
  onFailure: (error: unknown) => void,
): BrokerSubscription {
  return broker.subscribe(pattern, (message) => {
    const target = purgeTargetOf(message.subject);
    if (target === undefined) return;
    purge(target.accountId, target.deviceId).then(
      (deleted) => message.respond(events.PurgeDeviceReply.encode({ deleted }).finish()),
      onFailure,
    );
  });
}
