import type { wire } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { AcknowledgeFrameHandler } from './acknowledge.frame-handler';
import type { FrameAnswer, FrameHandler, FrameKind, FrameRequest } from './frame-handler';
import { GetPreKeyBundlesFrameHandler } from './get-pre-key-bundles.frame-handler';
import { GetPreKeyCountFrameHandler } from './get-pre-key-count.frame-handler';
import { ListDevicesFrameHandler } from './list-devices.frame-handler';
import { PingFrameHandler } from './ping.frame-handler';
import { ProvisionDeviceFrameHandler } from './provision-device.frame-handler';
import { RemoveDeviceFrameHandler } from './remove-device.frame-handler';
import { SendMessageFrameHandler } from './send-message.frame-handler';
import { SetDeviceNameFrameHandler } from './set-device-name.frame-handler';
import { UploadKeysFrameHandler } from './upload-keys.frame-handler';
import { GetChainInfoFrameHandler } from './get-chain-info.frame-handler';
import { WatchAddressesFrameHandler } from './watch-addresses.frame-handler';
import { UnwatchAddressesFrameHandler } from './unwatch-addresses.frame-handler';
import { GetUtxosFrameHandler } from './get-utxos.frame-handler';
import { GetPaymentHistoryFrameHandler } from './get-payment-history.frame-handler';
import { GetPaymentStatusesFrameHandler } from './get-payment-statuses.frame-handler';
import { RegisterPaymentRequestFrameHandler } from './register-payment-request.frame-handler';
import { GetFeeEstimateFrameHandler } from './get-fee-estimate.frame-handler';
import { BroadcastTransactionFrameHandler } from './broadcast-transaction.frame-handler';
import { GetXbtcInfoFrameHandler } from './get-xbtc-info.frame-handler';
import { WatchXbtcAddressesFrameHandler } from './watch-xbtc-addresses.frame-handler';
import { GetXbtcBalanceFrameHandler } from './get-xbtc-balance.frame-handler';
import { QuoteXbtcFeeFrameHandler } from './quote-xbtc-fee.frame-handler';
import { RelayXbtcTransferFrameHandler } from './relay-xbtc-transfer.frame-handler';
import { GetXbtcTransfersFrameHandler } from './get-xbtc-transfers.frame-handler';

/** One handler per request kind; the compiler refuses a ClientFrame request without one. */
type FrameHandlers = { readonly [Kind in FrameKind]: FrameHandler<Kind> };

/** The frames served: the gateway finds a frame's kind here and hands it to its handler. */
@Injectable()
export class FrameHandlerRegistry {
  private readonly handlers: FrameHandlers;
  private readonly kinds: readonly FrameKind[];

  constructor(
    sendMessage: SendMessageFrameHandler,
    acknowledge: AcknowledgeFrameHandler,
    ping: PingFrameHandler,
    uploadKeys: UploadKeysFrameHandler,
    getPreKeyCount: GetPreKeyCountFrameHandler,
    getPreKeyBundles: GetPreKeyBundlesFrameHandler,
    listDevices: ListDevicesFrameHandler,
    removeDevice: RemoveDeviceFrameHandler,
    setDeviceName: SetDeviceNameFrameHandler,
    provisionDevice: ProvisionDeviceFrameHandler,
    getChainInfo: GetChainInfoFrameHandler,
    watchAddresses: WatchAddressesFrameHandler,
    unwatchAddresses: UnwatchAddressesFrameHandler,
    getUtxos: GetUtxosFrameHandler,
    getPaymentHistory: GetPaymentHistoryFrameHandler,
    getPaymentStatuses: GetPaymentStatusesFrameHandler,
    registerPaymentRequest: RegisterPaymentRequestFrameHandler,
    getFeeEstimate: GetFeeEstimateFrameHandler,
    broadcastTransaction: BroadcastTransactionFrameHandler,
    getXbtcInfo: GetXbtcInfoFrameHandler,
    watchXbtcAddresses: WatchXbtcAddressesFrameHandler,
    getXbtcBalance: GetXbtcBalanceFrameHandler,
    quoteXbtcFee: QuoteXbtcFeeFrameHandler,
    relayXbtcTransfer: RelayXbtcTransferFrameHandler,
    getXbtcTransfers: GetXbtcTransfersFrameHandler,
  ) {
    this.handlers = {
      sendMessage,
      acknowledge,
      ping,
      uploadKeys,
      getPreKeyCount,
      getPreKeyBundles,
      listDevices,
      removeDevice,
      setDeviceName,
      provisionDevice,
      getChainInfo,
      watchAddresses,
      unwatchAddresses,
      getUtxos,
      getPaymentHistory,
      getPaymentStatuses,
      registerPaymentRequest,
      getFeeEstimate,
      broadcastTransaction,
      getXbtcInfo,
      watchXbtcAddresses,
      getXbtcBalance,
      quoteXbtcFee,
      relayXbtcTransfer,
      getXbtcTransfers,
    };
    this.kinds = Object.keys(this.handlers) as FrameKind[];
  }

  /** The request the frame carries, or undefined when it carries none this server knows. */
  kindOf(frame: wire.ClientFrame): FrameKind | undefined {
    return this.kinds.find((kind) => frame[kind] !== undefined);
  }

  handle<Kind extends FrameKind>(kind: Kind, connection: ClientConnection, frame: wire.ClientFrame): Promise<FrameAnswer> {
    return this.handlers[kind].handle(connection, frame[kind] as FrameRequest<Kind>);
  }
}

/** A frame kind as its protobuf field is named, e.g. "send_message": low-cardinality, for metrics and spans. */
export function frameTypeName(kind: FrameKind): string {
  return kind.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
