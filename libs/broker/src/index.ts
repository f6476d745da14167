export * from './broker';
export * from './broker.module';
export * from './memory-broker';
export * from './nats-broker';
export * from './nats-permissions';
export * from './subjects';
export * from './purge-requests';
