import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { KEYS_CONFIG, type KeysConfig } from './keys.config';
import { KeysGrpcController } from './keys.grpc-controller';
import { KeysMetrics } from './keys.metrics';
import { FetchBudgetsRepository } from './fetch-budgets/fetch-budgets.repository';
import { FetchBudgetsService } from './fetch-budgets/fetch-budgets.service';
import { DevicePurges } from './pre-keys/device-purges';
import { KeyEventsRepository } from './pre-keys/key-events.repository';
import { PreKeysRepository } from './pre-keys/pre-keys.repository';
import { PreKeysService } from './pre-keys/pre-keys.service';

@Module({})
export class KeysModule {
  static register(config: KeysConfig, infrastructure: Infrastructure): DynamicModule {
    return {
      module: KeysModule,
      imports: [InfrastructureModule.forRoot(infrastructure)],
      controllers: [KeysGrpcController],
      providers: [
        { provide: KEYS_CONFIG, useValue: config },
        DevicePurges,
        FetchBudgetsRepository,
        FetchBudgetsService,
        KeyEventsRepository,
        KeysMetrics,
        PreKeysRepository,
        PreKeysService,
      ],
    };
  }
}
