import type { payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectPaymentsBackend, type PaymentsBackend } from '../backends/backend-clients';

/** The payments service (the chain watcher), as the gateway reaches it over gRPC. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectPaymentsBackend() private readonly client: PaymentsBackend) {}

  chainInfo() {
    return this.client.getChainInfo({});
  }

  watch(request: payments.WatchAddressesRequest) {
    return this.client.watchAddresses(request);
  }

  unwatch(request: payments.UnwatchAddressesRequest) {
    return this.client.unwatchAddresses(request);
  }

  utxos(request: payments.GetUtxosRequest) {
    return this.client.getUtxos(request);
  }

  history(request: payments.GetHistoryRequest) {
    return this.client.getHistory(request);
  }

  statuses(request: payments.GetPaymentStatusesRequest) {
    return this.client.getPaymentStatuses(request);
  }

  registerRequest(request: payments.RegisterPaymentRequestRequest) {
    return this.client.registerPaymentRequest(request);
  }

  feeEstimate(request: payments.GetFeeEstimateRequest) {
    return this.client.getFeeEstimate(request);
  }

  broadcast(request: payments.BroadcastTransactionRequest) {
    return this.client.broadcastTransaction(request);
  }

  xbtcInfo() {
    return this.client.getXbtcInfo({});
  }

  watchXbtc(request: payments.WatchXbtcAddressesRequest) {
    return this.client.watchXbtcAddresses(request);
  }

  xbtcBalance(request: payments.GetXbtcBalanceRequest) {
    return this.client.getXbtcBalance(request);
  }

  quoteXbtcFee() {
    return this.client.quoteXbtcFee({});
  }

  relayXbtc(request: payments.RelayXbtcTransferRequest) {
    return this.client.relayXbtcTransfer(request);
  }

  xbtcTransfers(request: payments.GetXbtcTransfersRequest) {
    return this.client.getXbtcTransfers(request);
  }
}
