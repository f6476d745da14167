import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';
import { AuthGrpcController } from './auth.grpc-controller';
import { AuthMetrics } from './auth.metrics';
import { ChallengesRepository } from './login/challenges.repository';
import { LoginService } from './login/login.service';
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
        AccountsRepository,
        AccountsService,
        ChallengesRepository,
        AuthMetrics,
        LoginService,
        RefreshTokensRepository,
        TokensService,
      ],
    };
  }
}
