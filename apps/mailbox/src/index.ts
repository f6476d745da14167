export * from './mailbox.app';
export * from './mailbox.config';
