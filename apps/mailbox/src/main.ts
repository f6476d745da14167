import '@coming/telemetry/register';
import 'reflect-metadata';
import { runScaledService } from '@coming/runtime';
import { startMailbox } from './mailbox.app';
import { mailboxConfigSchema } from './mailbox.config';

runScaledService('mailbox', mailboxConfigSchema, startMailbox);
