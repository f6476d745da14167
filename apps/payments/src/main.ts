import '@coming/telemetry/register';
import 'reflect-metadata';
import { runScaledService } from '@coming/runtime';
import { startPayments } from './payments.app';
import { paymentsConfigSchema } from './payments.config';

runScaledService('payments', paymentsConfigSchema, startPayments);
