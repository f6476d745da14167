export * from './service-process';
export * from './start-stack';
