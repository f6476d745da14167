export * from './free-ports';
export * from './test-backends';
export * from './test-clients';
export * from './test-stack';
export * from './test-infrastructure';
export * from './table-columns';
export * from './envelope-inserts';
