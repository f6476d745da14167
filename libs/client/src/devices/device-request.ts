import { type wire } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';

/** The answer part of a Response; an error Response rejects instead. */
export type DeviceResponse = Omit<wire.Response, 'requestId' | 'error'>;

/**
 * Sends one request frame on an authenticated connection and resolves with the answer,
 * rejecting with a ClientError on an error frame: what ServerConnection.request does with
 * its timeout bound. The functions of this folder take one, so they work with any connection.
 */
export type DeviceRequest = (body: Omit<wire.ClientFrame, 'requestId'>) => Promise<DeviceResponse>;

/** The answer's field, or a ClientError naming the kind of answer that was missing. */
export function answerOf<Field extends keyof DeviceResponse>(response: DeviceResponse, field: Field): NonNullable<DeviceResponse[Field]> {
  const answer = response[field];
  if (answer === undefined || answer === null) {
    throw new ClientError(ClientErrorCode.ServerUnreachable, `the server answered without ${String(field)}: is it older than this client?`);
  }
  return answer;
}
