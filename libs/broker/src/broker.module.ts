import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Broker } from './broker';

/** Provides the process's broker, injected by its abstract class. */
@Global()
@Module({})
export class BrokerModule {
  static forRoot(broker: Broker): DynamicModule {
    return { module: BrokerModule, providers: [{ provide: Broker, useValue: broker }], exports: [Broker] };
  }
}
