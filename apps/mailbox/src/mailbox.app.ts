import { migrateToLatest } from '@coming/database';
import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startService, type StartedService } from '@coming/runtime';
import type { MailboxConfig } from './mailbox.config';
import { MailboxModule } from './mailbox.module';
import { mailboxMigrations } from './migrations';

/** Migrates mailbox's tables and serves its gRPC API. */
export async function startMailbox(config: MailboxConfig, infrastructure: Infrastructure): Promise<StartedService> {
  await migrateToLatest(infrastructure.db, 'mailbox', mailboxMigrations);
  return startService({
    module: MailboxModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.mailbox, url: config.MAILBOX_GRPC_URL },
    httpPort: config.MAILBOX_HEALTH_PORT,
  });
}
