import '@coming/telemetry/register';
import 'reflect-metadata';
import { runScaledService } from '@coming/runtime';
import { startKeys } from './keys.app';
import { keysConfigSchema } from './keys.config';

runScaledService('keys', keysConfigSchema, startKeys);
