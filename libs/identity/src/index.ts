export * from './account-id';
export * from './account-key';
export * from './login-digest';
export * from './identity-key-signature';
export * from './login-audience';
