import { wire } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import { retryDelayMs } from '../retry';

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;
/** About half an hour of tries, the later ones five minutes apart. */
const MAX_ATTEMPTS = 14;

/**
 * Copies of sent messages that a recipient device refused (its mailbox full, say), resent
 * later on their own: the same ciphertext, client message ID and timestamp, with
 * retry_of_refused set so that the devices that already have theirs are left out. Kept in
 * memory: closing the client drops what is still pending, as the send's report said.
 */
export class RefusedCopies {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly resend: (request: wire.SendMessageRequest) => Promise<wire.SendMessageResponse>,
    private readonly report: (error: ClientError) => void,
  ) {}

  /** Schedules the refused copies among `outcomes` of `request`, if any. */
  retryLater(request: wire.SendMessageRequest, outcomes: readonly wire.DeviceOutcome[]) {
    this.schedule({ ...request, retryOfRefused: true }, outcomes, 0);
  }

  close() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(request: wire.SendMessageRequest, outcomes: readonly wire.DeviceOutcome[], attempt: number) {
    const refused = new Set(
      outcomes
        .filter(({ outcome }) => outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_REFUSED)
        .map(({ destinationDevice }) => destinationDevice),
    );
    const pending = { ...request, messages: request.messages.filter(({ destinationDevice }) => refused.has(destinationDevice)) };
    if (pending.messages.length === 0) return;
    if (attempt >= MAX_ATTEMPTS) {
      this.report(
        new ClientError(
          ClientErrorCode.Refused,
          `gave up resending a message to devices [${[...refused].join(', ')}] of ${request.destinationAccount}: they keep refusing it`,
        ),
      );
      return;
    }
    this.later(Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt), () => this.retry(pending, attempt + 1));
  }

  private async retry(request: wire.SendMessageRequest, attempt: number) {
    try {
      const { outcomes } = await this.resend(request);
      this.schedule(request, outcomes, attempt);
    } catch (error) {
      const serverError = error instanceof ClientError ? error.serverError : undefined;
      // A device removed meanwhile needs its copy no more; the others are still owed theirs.
      const extra = serverError?.code === wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH ? new Set(serverError.extraDevices) : undefined;
      if (extra !== undefined || retryDelayMs(error, attempt) !== undefined) {
        const still = request.messages.filter(({ destinationDevice }) => !extra?.has(destinationDevice));
        this.schedule(request, still.map(refusedOutcome), attempt);
        return;
      }
      this.report(
        error instanceof ClientError ? error : new ClientError(ClientErrorCode.Refused, String(error), undefined, { cause: error }),
      );
    }
  }

  private later(delayMs: number, task: () => Promise<void>) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void task();
    }, delayMs);
    this.timers.add(timer);
  }
}

function refusedOutcome({ destinationDevice }: wire.OutgoingMessage): wire.DeviceOutcome {
  return {
    destinationDevice,
    outcome: wire.DeliveryOutcome.DELIVERY_OUTCOME_REFUSED,
    refusalReason: wire.RefusalReason.REFUSAL_REASON_UNSPECIFIED,
  };
}
