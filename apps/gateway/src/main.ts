import '@coming/telemetry/register';
import 'reflect-metadata';
import { runScaledService } from '@coming/runtime';
import { startGateway } from './gateway.app';
import { gatewayConfigSchema } from './gateway.config';

runScaledService('gateway', gatewayConfigSchema, startGateway);
