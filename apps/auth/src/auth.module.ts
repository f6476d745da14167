import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { AccountEventsRepository } from './accounts/account-events.repository';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { AuthGrpcController } from './auth.grpc-controller';
import { AuthMetrics } from './auth.metrics';
import { DevicePurgeRepository } from './devices/device-purge.repository';
import { DeviceSweeper } from './devices/device.sweeper';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { ExpirySweeper } from './expiry-sweeper';
import { LoginService } from './login/login.service';
import { UsedChallengesRepository } from './login/used-challenges.repository';
import { RefreshTokensRepository } from './tokens/refresh-tokens.repository';
import { TokensService } from './tokens/tokens.service';

@Module({})
export class AuthModule {
  static register(config: AuthConfig, infrastructure: Infrastructure): DynamicModule {
    return {
      module: AuthModule,
      imports: [InfrastructureModule.forRoot(infrastructure)],
      controllers: [AuthGrpcController],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        AccountEventsRepository,
        AccountsRepository,
        AccountsService,
        AuthMetrics,
        DevicePurgeRepository,
        DeviceSweeper,
        DevicesRepository,
        DevicesService,
        ExpirySweeper,
        LoginService,
        RefreshTokensRepository,
        TokensService,
        UsedChallengesRepository,
      ],
    };
  }
}
