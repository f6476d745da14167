export * from './database.module';
export * from './migrate';
export * from './open-database';
export * from './ensure-database';
