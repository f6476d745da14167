export * from './clock';
export * from './health.module';
export * from './infrastructure';
export * from './infrastructure.config';
export * from './infrastructure.module';
export * from './run-until-signal';
export * from './start-service';
export * from './run-scaled-service';
