import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';

const KYSELY = Symbol('Kysely');

/** Makes one opened database available to a service's repositories. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(db: Kysely<unknown>): DynamicModule {
    return { module: DatabaseModule, providers: [{ provide: KYSELY, useValue: db }], exports: [KYSELY] };
  }
}

export const InjectKysely = () => Inject(KYSELY);
