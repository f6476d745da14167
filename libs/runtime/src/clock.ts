import { Injectable } from '@nestjs/common';

/** The time, injected so that rules about expiry can be tested at chosen instants. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
