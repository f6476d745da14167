import { type Infrastructure, InfrastructureModule } from '@coming/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { DevicePurges } from './envelopes/device-purges';
import { EnqueueBatcher } from './envelopes/enqueue-batcher';
import { EnvelopesRepository } from './envelopes/envelopes.repository';
import { EnvelopesService } from './envelopes/envelopes.service';
import { ExpirySweeper } from './envelopes/expiry-sweeper';
import { MailboxEventsRepository } from './envelopes/mailbox-events.repository';
import { MAILBOX_CONFIG, type MailboxConfig } from './mailbox.config';
import { MailboxGrpcController } from './mailbox.grpc-controller';
import { MailboxMetrics } from './mailbox.metrics';

@Module({})
export class MailboxModule {
  static register(config: MailboxConfig, infrastructure: Infrastructure): DynamicModule {
    return {
      module: MailboxModule,
      imports: [InfrastructureModule.forRoot(infrastructure)],
      controllers: [MailboxGrpcController],
      providers: [
        { provide: MAILBOX_CONFIG, useValue: config },
        DevicePurges,
        EnqueueBatcher,
        EnvelopesRepository,
        EnvelopesService,
        ExpirySweeper,
        MailboxEventsRepository,
        MailboxMetrics,
      ],
    };
  }
}
