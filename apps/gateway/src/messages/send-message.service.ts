import type { AccessClaims } from '@coming/access-token';
import { RateLimiter } from '@coming/cache';
import { InvalidAccountIdError, parseAccountId } from '@coming/identity';
import { CLIENT_MESSAGE_ID_BYTES, type mailbox, MAX_DEVICE_ID, messaging, SIGNAL_CIPHERTEXT_VERSION_BYTE, wire } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { LiveDeliveryRepository } from './live-delivery.repository';
import { MailboxRepository } from './mailbox.repository';
import { SendMessageError, SendMessageErrorCode } from './messages.errors';
import { RecipientDevicesRepository } from './recipient-devices.repository';
import { serverGuidsOf } from './server-guid';

const ENCRYPTED_CONTENT_TYPES = new Set([
  messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
  messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE,
]);
const MINUTE_MS = 60_000;
const { DELIVERY_OUTCOME_DELIVERED, DELIVERY_OUTCOME_STORED, DELIVERY_OUTCOME_REFUSED } = wire.DeliveryOutcome;
const { REFUSAL_REASON_UNSPECIFIED, REFUSAL_REASON_MAILBOX_FULL } = wire.RefusalReason;

/** What every copy of one message shares. */
type MessageHeader = Omit<messaging.Envelope, 'serverGuid' | 'destinationDevice' | 'contentType' | 'content'>;

/**
 * Loss-free send: each device's copy is offered live, and stored in the mailbox when
 * nobody acknowledges it. The sender hears back only once every copy is acknowledged
 * by its device, committed to PostgreSQL, or refused by the mailbox (full, say). Each
 * device's outcome is its own, so one device's full mailbox does not fail the others.
 */
@Injectable()
export class SendMessageService {
  constructor(
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    private readonly recipients: RecipientDevicesRepository,
    private readonly live: LiveDeliveryRepository,
    private readonly mailbox: MailboxRepository,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: GatewayMetrics,
  ) {}

  async send(sender: AccessClaims, request: wire.SendMessageRequest): Promise<wire.SendMessageResponse> {
    const destinationAccount = validate(request);
    const decision = await this.rateLimiter.consume(
      { name: 'send-device', limit: this.config.GATEWAY_SENDS_PER_DEVICE_PER_MINUTE, windowMs: MINUTE_MS },
      `${sender.accountId}.${sender.deviceId}`,
    );
    if (!decision.allowed) {
      throw new SendMessageError(SendMessageErrorCode.RateLimited, 'too many messages from this device', {
        retryAfterMs: decision.retryAfterMs,
      });
    }
    await this.checkDevices(sender, destinationAccount, request);
    const header: MessageHeader = {
      sourceAccount: sender.accountId,
      sourceDevice: sender.deviceId,
      destinationAccount,
      clientMessageId: request.clientMessageId,
      clientTimestampMs: request.clientTimestampMs,
      serverTimestampMs: this.clock.now().getTime(),
    };
    const guidOf = serverGuidsOf(header);
    const outcomes = await Promise.all(
      request.messages.map((message) =>
        this.deliver({
          ...header,
          serverGuid: guidOf(message.destinationDevice),
          destinationDevice: message.destinationDevice,
          contentType: message.contentType,
          content: message.content,
        }),
      ),
    );
    return { outcomes };
  }

  /** Live if the device acknowledges in time, else into its mailbox, unless the mailbox refuses it. */
  private async deliver(envelope: messaging.Envelope): Promise<wire.DeviceOutcome> {
    const destinationDevice = envelope.destinationDevice;
    if (await this.live.offer(envelope)) {
      this.metrics.delivered('live');
      return { destinationDevice, outcome: DELIVERY_OUTCOME_DELIVERED, refusalReason: REFUSAL_REASON_UNSPECIFIED };
    }
    let stored;
    try {
      stored = await this.mailbox.enqueue(envelope);
    } catch (error) {
      this.metrics.delivered('failed');
      throw error;
    }
    const refusalReason = refusalOf(stored);
    if (refusalReason !== undefined) {
      this.metrics.delivered('refused');
      return { destinationDevice, outcome: DELIVERY_OUTCOME_REFUSED, refusalReason };
    }
    this.metrics.delivered('stored');
    return { destinationDevice, outcome: DELIVERY_OUTCOME_STORED, refusalReason: REFUSAL_REASON_UNSPECIFIED };
  }

  /**
   * The request must address exactly the recipient's devices (less the sending device on a
   * send to self), or a subset of them on a resend of refused copies. The list may come from
   * the gateway's cache, which can be stale if an event was lost: a mismatch is checked
   * once more against auth before it is refused.
   */
  private async checkDevices(sender: AccessClaims, destinationAccount: string, request: wire.SendMessageRequest) {
    let mismatch = deviceMismatch(sender, destinationAccount, request, await this.devicesOf(destinationAccount, false));
    if (mismatch === undefined) return;
    mismatch = deviceMismatch(sender, destinationAccount, request, await this.devicesOf(destinationAccount, true));
    if (mismatch === undefined) return;
    const { missingDevices, extraDevices } = mismatch;
    throw new SendMessageError(
      SendMessageErrorCode.DeviceMismatch,
      `device list does not match the recipient's: missing [${missingDevices.join(', ')}], extra [${extraDevices.join(', ')}]`,
      mismatch,
    );
  }

  private async devicesOf(accountId: string, fresh: boolean): Promise<readonly number[]> {
    const devices = await this.recipients.devicesOf(accountId, { fresh });
    if (devices === null) throw new SendMessageError(SendMessageErrorCode.UnknownAccount, `no account ${accountId}`);
    return devices;
  }
}

function deviceMismatch(
  sender: AccessClaims,
  destinationAccount: string,
  request: wire.SendMessageRequest,
  devices: readonly number[],
): { missingDevices: number[]; extraDevices: number[] } | undefined {
  const sendingToSelf = destinationAccount === sender.accountId;
  const expected = new Set(sendingToSelf ? devices.filter((device) => device !== sender.deviceId) : devices);
  const addressed = new Set(request.messages.map((message) => message.destinationDevice));
  // A resend of refused copies leaves out the devices that already have theirs.
  const missingDevices = request.retryOfRefused ? [] : [...expected].filter((device) => !addressed.has(device));
  const extraDevices = [...addressed].filter((device) => !expected.has(device));
  return missingDevices.length > 0 || extraDevices.length > 0 ? { missingDevices, extraDevices } : undefined;
}

/** Checks the request's fields, and returns the recipient's account ID in its canonical (lower case) form. */
function validate(request: wire.SendMessageRequest): string {
  let destinationAccount: string;
  try {
    destinationAccount = parseAccountId(request.destinationAccount);
  } catch (error) {
    if (!(error instanceof InvalidAccountIdError)) throw error;
    throw invalid(`send_message.destination_account is not a bech32m account ID with prefix "coming" (${error.message})`);
  }
  if (request.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES) {
    throw invalid(`send_message.client_message_id must be ${CLIENT_MESSAGE_ID_BYTES} bytes`);
  }
  if (request.messages.length === 0) throw invalid('send_message.messages is empty');
  const seen = new Set<number>();
  for (const [index, message] of request.messages.entries()) {
    if (message.destinationDevice < 1 || message.destinationDevice > MAX_DEVICE_ID) {
      throw invalid(`send_message.messages[${index}].destination_device must be 1 to ${MAX_DEVICE_ID}`);
    }
    if (seen.has(message.destinationDevice)) {
      throw invalid(`send_message.messages[${index}].destination_device ${message.destinationDevice} appears twice`);
    }
    seen.add(message.destinationDevice);
    if (!ENCRYPTED_CONTENT_TYPES.has(message.contentType)) {
      throw invalid(`send_message.messages[${index}].content_type must be a Signal message type`);
    }
    // The server cannot read the content, but it can refuse what is plainly not a Signal message.
    if (message.content[0] !== SIGNAL_CIPHERTEXT_VERSION_BYTE) {
      throw invalid(`send_message.messages[${index}].content is not a Signal message (first byte must be 0x44)`);
    }
  }
  return destinationAccount;
}

function invalid(message: string): SendMessageError {
  return new SendMessageError(SendMessageErrorCode.InvalidArgument, message);
}

/** Why the mailbox took no copy, or undefined when it holds one. */
function refusalOf(stored: mailbox.EnqueueResponse): wire.RefusalReason | undefined {
  if (stored.mailboxFull !== undefined) return REFUSAL_REASON_MAILBOX_FULL;
  if (stored.senderQuotaExceeded !== undefined) return wire.RefusalReason.REFUSAL_REASON_SENDER_QUOTA_EXCEEDED;
  return undefined;
}
