import type { AccessClaims } from '@coming/access-token';
import type { payments, wire } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { refuseForeign, required } from './payments-answers';
import { PaymentsRepository } from './payments.repository';

/**
 * The device's payment frames, answered by the payments service. The account comes from
 * the access token, never from the frame, so a device reads and changes only its own
 * account's watch data; addresses another account watches come back as FORBIDDEN.
 */
@Injectable()
export class ChainWatchService {
  constructor(private readonly payments: PaymentsRepository) {}

  async chainInfo(): Promise<payments.ChainInfo> {
    return required((await this.payments.chainInfo()).chain, 'chain');
  }

  async watch({ accountId, deviceId }: AccessClaims, { addresses }: wire.WatchAddressesRequest): Promise<payments.Watched> {
    return required(refuseForeign(await this.payments.watch({ accountId, deviceId, addresses })).watched, 'watched');
  }

  async unwatch({ accountId, deviceId }: AccessClaims, { addresses }: wire.UnwatchAddressesRequest): Promise<payments.Unwatched> {
    return required((await this.payments.unwatch({ accountId, deviceId, addresses })).unwatched, 'unwatched');
  }

  async utxos({ accountId }: AccessClaims, request: wire.GetUtxosRequest): Promise<payments.Utxos> {
    return required(refuseForeign(await this.payments.utxos({ accountId, ...request })).utxos, 'utxos');
  }

  async history({ accountId }: AccessClaims, request: wire.GetPaymentHistoryRequest): Promise<payments.PaymentStatuses> {
    return required(refuseForeign(await this.payments.history({ accountId, ...request })).history, 'history');
  }

  async statuses({ accountId }: AccessClaims, request: wire.GetPaymentStatusesRequest): Promise<payments.PaymentStatuses> {
    return required(refuseForeign(await this.payments.statuses({ accountId, ...request })).statuses, 'statuses');
  }

  async registerRequest(
    { accountId, deviceId }: AccessClaims,
    request: wire.RegisterPaymentRequestRequest,
  ): Promise<payments.PaymentStatus> {
    return required(refuseForeign(await this.payments.registerRequest({ accountId, deviceId, ...request })).registered, 'registered');
  }

  async feeEstimate(request: wire.GetFeeEstimateRequest): Promise<payments.FeeEstimate> {
    return required((await this.payments.feeEstimate(request)).estimate, 'estimate');
  }

  async broadcast(
    { accountId, deviceId }: AccessClaims,
    { rawTransaction }: wire.BroadcastTransactionRequest,
  ): Promise<payments.BroadcastResult> {
    return required((await this.payments.broadcast({ accountId, deviceId, rawTransaction })).result, 'result');
  }
}
