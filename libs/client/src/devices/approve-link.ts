import { encryptProvisionMessage, InvalidLinkCodeError, parseLinkCode, type PrimaryIdentity } from '@coming/identity';
import { ClientError, ClientErrorCode } from '../client.errors';
import { answerOf, type DeviceRequest } from './device-request';

/**
 * The primary's side of linking: certifies the new device's key from its link code and
 * sends it, encrypted to the link code's ephemeral key, the account ID, the identity key
 * and the certificate, never the mnemonic or the account key. Resolves once the new
 * device has received it; an expired or used link code rejects with the server's
 * UNKNOWN_PROVISIONING_ADDRESS.
 */
export async function approveLinkCode(request: DeviceRequest, linkCode: string, primary: PrimaryIdentity): Promise<void> {
  let link;
  try {
    link = parseLinkCode(linkCode);
  } catch (error) {
    if (error instanceof InvalidLinkCodeError)
      throw new ClientError(ClientErrorCode.InvalidArgument, error.message, undefined, { cause: error });
    throw error;
  }
  const ciphertext = encryptProvisionMessage(link, primary);
  answerOf(await request({ provisionDevice: { address: link.address, ciphertext } }), 'provisionDevice');
}
