import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { backendClientProviders } from './backends/backend-clients';
import { ClientWebSocketGateway } from './connections/client.websocket-gateway';
import { BadFrameBudget } from './connections/bad-frame-budget';
import { RevokedDevices } from './connections/revoked-devices';
import { RevokedDevicesListener } from './connections/revoked-devices.listener';
import { UpgradeAuthenticator } from './connections/upgrade-authenticator';
import { DeviceChannelRepository } from './delivery/device-channel.repository';
import { DeviceSessionsService } from './delivery/device-sessions.service';
import { RemovedDevicesNotifier } from './delivery/removed-devices.notifier';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { AcknowledgeFrameHandler } from './frames/acknowledge.frame-handler';
import { FrameHandlerRegistry } from './frames/frame-handler.registry';
import { GetPreKeyBundlesFrameHandler } from './frames/get-pre-key-bundles.frame-handler';
import { GetPreKeyCountFrameHandler } from './frames/get-pre-key-count.frame-handler';
import { ListDevicesFrameHandler } from './frames/list-devices.frame-handler';
import { PingFrameHandler } from './frames/ping.frame-handler';
import { ProvisionDeviceFrameHandler } from './frames/provision-device.frame-handler';
import { RemoveDeviceFrameHandler } from './frames/remove-device.frame-handler';
import { SendMessageFrameHandler } from './frames/send-message.frame-handler';
import { SetDeviceNameFrameHandler } from './frames/set-device-name.frame-handler';
import { UploadKeysFrameHandler } from './frames/upload-keys.frame-handler';
import { GetChainInfoFrameHandler } from './frames/get-chain-info.frame-handler';
import { WatchAddressesFrameHandler } from './frames/watch-addresses.frame-handler';
import { UnwatchAddressesFrameHandler } from './frames/unwatch-addresses.frame-handler';
import { GetUtxosFrameHandler } from './frames/get-utxos.frame-handler';
import { GetPaymentHistoryFrameHandler } from './frames/get-payment-history.frame-handler';
import { GetPaymentStatusesFrameHandler } from './frames/get-payment-statuses.frame-handler';
import { RegisterPaymentRequestFrameHandler } from './frames/register-payment-request.frame-handler';
import { GetFeeEstimateFrameHandler } from './frames/get-fee-estimate.frame-handler';
import { BroadcastTransactionFrameHandler } from './frames/broadcast-transaction.frame-handler';
import { GetXbtcInfoFrameHandler } from './frames/get-xbtc-info.frame-handler';
import { WatchXbtcAddressesFrameHandler } from './frames/watch-xbtc-addresses.frame-handler';
import { GetXbtcBalanceFrameHandler } from './frames/get-xbtc-balance.frame-handler';
import { QuoteXbtcFeeFrameHandler } from './frames/quote-xbtc-fee.frame-handler';
import { RelayXbtcTransferFrameHandler } from './frames/relay-xbtc-transfer.frame-handler';
import { GetXbtcTransfersFrameHandler } from './frames/get-xbtc-transfers.frame-handler';
import { GatewayMetrics } from './gateway.metrics';
import { ChainWatchService } from './payments/chain-watch.service';
import { PaymentEventsRepository } from './payments/payment-events.repository';
import { PaymentStatusNotifier } from './payments/payment-status.notifier';
import { PaymentsRepository } from './payments/payments.repository';
import { XbtcRelayService } from './payments/xbtc-relay.service';
import { KeyDirectoryService } from './keys/key-directory.service';
import { KeysRepository } from './keys/keys.repository';
import { AuthRepository } from './login/auth.repository';
import { LoginHttpController } from './login/login.http-controller';
import { LiveDeliveryRepository } from './messages/live-delivery.repository';
import { MailboxRepository } from './messages/mailbox.repository';
import { RecipientDevicesRepository } from './messages/recipient-devices.repository';
import { SendMessageService } from './messages/send-message.service';
import { ProvisioningRepository } from './provisioning/provisioning.repository';
import { ProvisioningUpgradeLimiter } from './provisioning/provisioning-upgrade.limiter';
import { ProvisioningWebSocketGateway } from './provisioning/provisioning.websocket-gateway';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, infrastructure: Infrastructure): DynamicModule {
    return {
      module: GatewayModule,
      imports: [InfrastructureModule.forRoot(infrastructure)],
      controllers: [LoginHttpController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...backendClientProviders,
        AcknowledgeFrameHandler,
        AuthRepository,
        ClientWebSocketGateway,
        DeviceChannelRepository,
        DeviceSessionsService,
        FrameHandlerRegistry,
        GatewayMetrics,
        GetPreKeyBundlesFrameHandler,
        GetPreKeyCountFrameHandler,
        KeyDirectoryService,
        KeysRepository,
        BadFrameBudget,
        ListDevicesFrameHandler,
        LiveDeliveryRepository,
        MailboxRepository,
        PingFrameHandler,
        ProvisionDeviceFrameHandler,
        ProvisioningRepository,
        ProvisioningUpgradeLimiter,
        ProvisioningWebSocketGateway,
        RecipientDevicesRepository,
        RemoveDeviceFrameHandler,
        RemovedDevicesNotifier,
        RevokedDevices,
        RevokedDevicesListener,
        SendMessageFrameHandler,
        SendMessageService,
        SetDeviceNameFrameHandler,
        UpgradeAuthenticator,
        UploadKeysFrameHandler,
        ChainWatchService,
        PaymentEventsRepository,
        PaymentStatusNotifier,
        PaymentsRepository,
        GetChainInfoFrameHandler,
        WatchAddressesFrameHandler,
        UnwatchAddressesFrameHandler,
        GetUtxosFrameHandler,
        GetPaymentHistoryFrameHandler,
        GetPaymentStatusesFrameHandler,
        RegisterPaymentRequestFrameHandler,
        GetFeeEstimateFrameHandler,
        BroadcastTransactionFrameHandler,
        GetXbtcInfoFrameHandler,
        WatchXbtcAddressesFrameHandler,
        GetXbtcBalanceFrameHandler,
        QuoteXbtcFeeFrameHandler,
        RelayXbtcTransferFrameHandler,
        GetXbtcTransfersFrameHandler,
        XbtcRelayService,
      ],
    };
  }
}
