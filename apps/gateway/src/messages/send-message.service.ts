import type { AccessClaims } from '@coming/access-token';
import { RateLimiter } from '@coming/cache';
import { GrpcCallError } from '@coming/grpc';
import { isAccountId } from '@coming/identity';
import { CLIENT_MESSAGE_ID_BYTES, MAX_DEVICE_ID, messaging, SIGNAL_CIPHERTEXT_VERSION_BYTE, wire } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { AuthRepository } from '../login/auth.repository';
import { LiveDeliveryRepository } from './live-delivery.repository';
import { MailboxRepository } from './mailbox.repository';
import { SendMessageError, SendMessageErrorCode } from './messages.errors';
import { serverGuidOf } from './server-guid';

const ENCRYPTED_CONTENT_TYPES = new Set([
  messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
  messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE,
]);
const MINUTE_MS = 60_000;

/**
 * Loss-free send: each device's copy is offered live, and stored in the mailbox when
 * nobody acknowledges it. The sender hears back only once every copy is acknowledged
 * by its device or committed to PostgreSQL.
 */
@Injectable()
export class SendMessageService {
  constructor(
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    private readonly accounts: AuthRepository,
    private readonly live: LiveDeliveryRepository,
    private readonly mailbox: MailboxRepository,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: GatewayMetrics,
  ) {}

  async send(sender: AccessClaims, request: wire.SendMessageRequest): Promise<wire.SendMessageResponse> {
    validate(request);
    const decision = await this.rateLimiter.consume(
      { name: 'send-device', limit: this.config.GATEWAY_SENDS_PER_DEVICE_PER_MINUTE, windowMs: MINUTE_MS },
      `${sender.accountId}.${sender.deviceId}`,
    );
    if (!decision.allowed) {
      throw new SendMessageError(SendMessageErrorCode.RateLimited, 'too many messages from this device', {
        retryAfterMs: decision.retryAfterMs,
      });
    }
    await this.checkDevices(sender, request);
    const serverTimestampMs = this.clock.now().getTime();
    const outcomes = await Promise.all(
      request.messages.map(async (message) => {
        const envelope: messaging.Envelope = {
          serverGuid: serverGuidOf({
            sourceAccount: sender.accountId,
            sourceDevice: sender.deviceId,
            clientMessageId: request.clientMessageId,
            destinationAccount: request.destinationAccount,
            destinationDevice: message.destinationDevice,
          }),
          sourceAccount: sender.accountId,
          sourceDevice: sender.deviceId,
          destinationAccount: request.destinationAccount,
          destinationDevice: message.destinationDevice,
          clientMessageId: request.clientMessageId,
          clientTimestampMs: request.clientTimestampMs,
          serverTimestampMs,
          contentType: message.contentType,
          content: message.content,
        };
        return { destinationDevice: message.destinationDevice, outcome: await this.counted(this.deliver(envelope)) };
      }),
    );
    return { outcomes };
  }

  private async counted(delivery: Promise<wire.DeliveryOutcome>): Promise<wire.DeliveryOutcome> {
    try {
      const outcome = await delivery;
      this.metrics.delivered(outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED ? 'live' : 'stored');
      return outcome;
    } catch (error) {
      this.metrics.delivered('failed');
      throw error;
    }
  }

  private async deliver(envelope: messaging.Envelope): Promise<wire.DeliveryOutcome> {
    if (await this.live.offer(envelope)) return wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED;
    const stored = await this.mailbox.enqueue(envelope).catch((error: unknown) => {
      throw unavailable('the mailbox', error);
    });
    if (stored.mailboxFull !== undefined) {
      throw new SendMessageError(
        SendMessageErrorCode.MailboxFull,
        `device ${envelope.destinationDevice} of the recipient has ${stored.mailboxFull.capacity} undelivered messages; try later`,
      );
    }
    return wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED;
  }

  /** The request must address exactly the recipient's devices (less the sending device on a send to self). */
  private async checkDevices(sender: AccessClaims, request: wire.SendMessageRequest) {
    const devices = await this.accounts.devicesOf(request.destinationAccount).catch((error: unknown) => {
      throw unavailable('auth', error);
    });
    if (devices === null) {
      throw new SendMessageError(SendMessageErrorCode.UnknownAccount, `no account ${request.destinationAccount}`);
    }
    const sendingToSelf = request.destinationAccount === sender.accountId;
    const expected = new Set(devices.filter((device) => !(sendingToSelf && device === sender.deviceId)));
    const addressed = new Set(request.messages.map((message) => message.destinationDevice));
    const missingDevices = [...expected].filter((device) => !addressed.has(device));
    const extraDevices = [...addressed].filter((device) => !expected.has(device));
    if (missingDevices.length > 0 || extraDevices.length > 0) {
      throw new SendMessageError(
        SendMessageErrorCode.DeviceMismatch,
        `device list does not match the recipient's: missing [${missingDevices.join(', ')}], extra [${extraDevices.join(', ')}]`,
        { missingDevices, extraDevices },
      );
    }
  }
}

function validate(request: wire.SendMessageRequest) {
  if (!isAccountId(request.destinationAccount)) {
    throw invalid('send_message.destination_account is not a bech32m account ID with prefix "coming"');
  }
  if (request.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES) {
    throw invalid(`send_message.client_message_id must be ${CLIENT_MESSAGE_ID_BYTES} bytes`);
  }
  if (request.messages.length === 0) throw invalid('send_message.messages is empty');
  const seen = new Set<number>();
  request.messages.forEach((message, index) => {
    const field = `send_message.messages[${index}]`;
    if (message.destinationDevice < 1 || message.destinationDevice > MAX_DEVICE_ID) {
      throw invalid(`${field}.destination_device must be 1 to ${MAX_DEVICE_ID}`);
    }
    if (seen.has(message.destinationDevice)) throw invalid(`${field}.destination_device ${message.destinationDevice} appears twice`);
    seen.add(message.destinationDevice);
    if (!ENCRYPTED_CONTENT_TYPES.has(message.contentType)) throw invalid(`${field}.content_type must be a Signal message type`);
    // The server cannot read the content, but it can refuse what is plainly not a Signal message.
    if (message.content[0] !== SIGNAL_CIPHERTEXT_VERSION_BYTE)
      throw invalid(`${field}.content is not a Signal message (first byte must be 0x44)`);
  });
}

function invalid(message: string): SendMessageError {
  return new SendMessageError(SendMessageErrorCode.InvalidArgument, message);
}

/** A backend that did not answer becomes a retryable error; anything else is a fault. */
function unavailable(backend: string, error: unknown): SendMessageError {
  if (!(error instanceof GrpcCallError)) throw error;
  return new SendMessageError(
    SendMessageErrorCode.Unavailable,
    `${backend} is unavailable (${error.message}); retry with the same client_message_id`,
    {},
    { cause: error },
  );
}
