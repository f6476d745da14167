export * from './file-span-exporter';
export * from './process-telemetry';
export * from './start-telemetry';
export * from './telemetry.config';
