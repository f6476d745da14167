import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { backendClientProviders } from './backends';
import { ClientWebSocketGateway } from './connections/client.websocket-gateway';
import { UpgradeAuthenticator } from './connections/upgrade-authenticator';
import { DeviceChannelRepository } from './delivery/device-channel.repository';
import { DeviceSessionsService } from './delivery/device-sessions.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { GatewayMetrics } from './gateway.metrics';
import { KeyDirectoryService } from './keys/key-directory.service';
import { KeysRepository } from './keys/keys.repository';
import { AuthRepository } from './login/auth.repository';
import { LoginHttpController } from './login/login.http-controller';
import { LiveDeliveryRepository } from './messages/live-delivery.repository';
import { MailboxRepository } from './messages/mailbox.repository';
import { SendMessageService } from './messages/send-message.service';

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
        AuthRepository,
        ClientWebSocketGateway,
        DeviceChannelRepository,
        DeviceSessionsService,
        GatewayMetrics,
        KeyDirectoryService,
        KeysRepository,
        LiveDeliveryRepository,
        MailboxRepository,
        SendMessageService,
        UpgradeAuthenticator,
      ],
    };
  }
}
