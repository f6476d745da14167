import type { ChainBackend } from '@coming/chain';
import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { BroadcastService } from './broadcast/broadcast.service';
import { CHAIN_BACKEND, ChainConnection, EXPECTED_NETWORK } from './chain/chain-connection';
import { PAYMENTS_CONFIG, type PaymentsConfig, type XbtcSettings } from './payments.config';
import { PaymentsGrpcController } from './payments.grpc-controller';
import { PaymentsMetrics } from './payments.metrics';
import { PaymentEventsRepository } from './statuses/payment-events.repository';
import { PaymentStatusesRepository } from './statuses/payment-statuses.repository';
import { StatusNotifier } from './statuses/status-notifier';
import { StatusesService } from './statuses/statuses.service';
import { StatesGauge } from './statuses/states.gauge';
import { WatchListRepository } from './watch/watch-list.repository';
import { WatchListService } from './watch/watch-list.service';
import { ChainWatcher } from './watcher/chain-watcher';
import { TrackedTransactionsRepository } from './watcher/tracked-transactions.repository';
import { WatcherRepository } from './watcher/watcher.repository';
import { XbtcAccountsService } from './xbtc/xbtc-accounts.service';
import { XBTC_SETTINGS, XbtcChain } from './xbtc/xbtc-chain';
import { XbtcFees } from './xbtc/xbtc-fees';
import { XbtcFollower } from './xbtc/xbtc-follower';
import { XbtcNotifier } from './xbtc/xbtc-notifier';
import { XbtcRelayService } from './xbtc/xbtc-relay.service';
import { XbtcRelayer } from './xbtc/xbtc-relayer';
import { XbtcTransfersRepository } from './xbtc/xbtc-transfers.repository';
import { XbtcWatchListRepository } from './xbtc/xbtc-watch-list.repository';

@Module({})
export class PaymentsModule {
  static register(config: PaymentsConfig, infrastructure: Infrastructure, backend: ChainBackend, xbtc: XbtcSettings): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [InfrastructureModule.forRoot(infrastructure)],
      controllers: [PaymentsGrpcController],
      providers: [
        { provide: PAYMENTS_CONFIG, useValue: config },
        { provide: CHAIN_BACKEND, useValue: backend },
        { provide: EXPECTED_NETWORK, useValue: config.COMING_NETWORK },
        { provide: XBTC_SETTINGS, useValue: xbtc },
        BroadcastService,
        ChainConnection,
        ChainWatcher,
        PaymentEventsRepository,
        PaymentStatusesRepository,
        PaymentsMetrics,
        StatesGauge,
        StatusesService,
        StatusNotifier,
        TrackedTransactionsRepository,
        WatcherRepository,
        WatchListRepository,
        WatchListService,
        XbtcAccountsService,
        XbtcChain,
        XbtcFees,
        XbtcFollower,
        XbtcNotifier,
        XbtcRelayer,
        XbtcRelayService,
        XbtcTransfersRepository,
        XbtcWatchListRepository,
      ],
    };
  }
}
