import { Inject } from '@nestjs/common';

/** DI token of the service's pino logger. */
export const LOGGER = Symbol('Logger');
export const InjectLogger = () => Inject(LOGGER);
