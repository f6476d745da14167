export * from './payments.app';
export * from './payments.config';
