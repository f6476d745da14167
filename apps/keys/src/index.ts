export * from './keys.app';
export * from './keys.config';
