export * from './client.errors';
export * from './coming-client';
export * from './received-message';
export * from './store/client-store';
export * from './store/file-client-store';
export * from './store/memory-client-store';
export { LoginApi } from './transport/login-api';
export { ONE_TIME_PRE_KEY_TARGET } from './signal/device-keys';
