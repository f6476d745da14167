import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startGrpcService, type StartedService } from '@coming/runtime';
import type { MailboxConfig } from './mailbox.config';
import { MailboxModule } from './mailbox.module';
import { mailboxMigrations } from './migrations';

/** Migrates mailbox's tables and serves its gRPC API. */
export function startMailbox(config: MailboxConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startGrpcService({
    service: 'mailbox',
    migrations: mailboxMigrations,
    module: MailboxModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.mailbox, url: config.MAILBOX_GRPC_URL },
    healthPort: config.MAILBOX_HEALTH_PORT,
  });
}
