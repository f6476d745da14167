export * from './approve-link';
export * from './device-management';
export * from './device-request';
export * from './link-request';
export * from './linked-login';
