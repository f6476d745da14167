import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { payments } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { BroadcastService } from './broadcast/broadcast.service';
import { PaymentsError, PaymentsErrorCode } from './payments.errors';
import { StatusesService } from './statuses/statuses.service';
import { WatchListService } from './watch/watch-list.service';
import { XbtcAccountsService } from './xbtc/xbtc-accounts.service';
import { XbtcRelayService } from './xbtc/xbtc-relay.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@payments.PaymentsServiceControllerMethods()
export class PaymentsGrpcController implements payments.PaymentsServiceController {
  constructor(
    private readonly watchList: WatchListService,
    private readonly statuses: StatusesService,
    private readonly broadcasts: BroadcastService,
    private readonly xbtc: XbtcAccountsService,
    private readonly xbtcRelays: XbtcRelayService,
  ) {}

  getChainInfo() {
    return this.statuses.chainInfo().catch(mapPaymentsError);
  }

  watchAddresses(request: payments.WatchAddressesRequest) {
    return this.watchList.watch(request).catch(mapPaymentsError);
  }

  unwatchAddresses(request: payments.UnwatchAddressesRequest) {
    return this.watchList.unwatch(request).catch(mapPaymentsError);
  }

  getUtxos(request: payments.GetUtxosRequest) {
    return this.statuses.utxos(request).catch(mapPaymentsError);
  }

  getHistory(request: payments.GetHistoryRequest) {
    return this.statuses.history(request).catch(mapPaymentsError);
  }

  getPaymentStatuses(request: payments.GetPaymentStatusesRequest) {
    return this.statuses.statusesOf(request).catch(mapPaymentsError);
  }

  registerPaymentRequest(request: payments.RegisterPaymentRequestRequest) {
    return this.watchList.registerRequest(request).catch(mapPaymentsError);
  }

  getFeeEstimate(request: payments.GetFeeEstimateRequest) {
    return this.broadcasts.feeEstimate(request).catch(mapPaymentsError);
  }

  broadcastTransaction(request: payments.BroadcastTransactionRequest) {
    return this.broadcasts.broadcast(request).catch(mapPaymentsError);
  }

  getXbtcInfo() {
    return this.xbtc.info().catch(mapPaymentsError);
  }

  watchXbtcAddresses(request: payments.WatchXbtcAddressesRequest) {
    return this.xbtc.watch(request).catch(mapPaymentsError);
  }

  getXbtcBalance(request: payments.GetXbtcBalanceRequest) {
    return this.xbtc.balance(request).catch(mapPaymentsError);
  }

  quoteXbtcFee() {
    return this.xbtc.quote().catch(mapPaymentsError);
  }

  relayXbtcTransfer(request: payments.RelayXbtcTransferRequest) {
    return this.xbtcRelays.relay(request).catch(mapPaymentsError);
  }

  getXbtcTransfers(request: payments.GetXbtcTransfersRequest) {
    return this.xbtc.transfersOf(request).catch(mapPaymentsError);
  }
}

const mapPaymentsError = domainErrorMapper(PaymentsError, statusOf);

function statusOf(code: PaymentsErrorCode): GrpcStatus {
  switch (code) {
    case PaymentsErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case PaymentsErrorCode.Unavailable:
      return GrpcStatus.UNAVAILABLE;
    case PaymentsErrorCode.WatchLimitReached:
      return GrpcStatus.FAILED_PRECONDITION;
    case PaymentsErrorCode.RateLimited:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    default:
      return assertUnreachable(code);
  }
}
