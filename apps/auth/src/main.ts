import '@coming/telemetry/register';
import 'reflect-metadata';
import { runScaledService } from '@coming/runtime';
import { startAuth } from './auth.app';
import { authConfigSchema } from './auth.config';

runScaledService('auth', authConfigSchema, startAuth);
