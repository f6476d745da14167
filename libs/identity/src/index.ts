export * from './account-id';
export * from './account-key';
export * from './login-digest';
