export * from './gateway.app';
export * from './gateway.config';
