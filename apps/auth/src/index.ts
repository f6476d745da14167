export * from './auth.app';
export * from './auth.config';
