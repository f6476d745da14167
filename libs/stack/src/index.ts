export * from './service-process';
export * from './start-stack';
export * from './nats-server-process';
