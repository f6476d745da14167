import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { payments } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { BroadcastService } from './broadcast/broadcast.service';
import { PaymentsError, PaymentsErrorCode } from './payments.errors';
import { StatusesService } from './statuses/statuses.service';
import { WatchListService } from './watch/watch-list.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@payments.PaymentsServiceControllerMethods()
export class PaymentsGrpcController implements payments.PaymentsServiceController {
  constructor(
    private readonly watchList: WatchListService,
    private readonly statuses: StatusesService,
    private readonly broadcasts: BroadcastService,
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
    default:
      return assertUnreachable(code);
  }
}
