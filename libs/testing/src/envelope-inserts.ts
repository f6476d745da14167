import type { TestStack } from './test-stack';

/**
 * Records every envelope row the mailbox ever writes, in a table of its own, so that a
 * test can show that a message went live without touching the mailbox table (the row
 * would be gone after its acknowledgement, the record stays).
 */
export async function recordEnvelopeInserts(stack: TestStack): Promise<() => Promise<number>> {
  await stack.query(`
    create table envelope_inserts (server_guid bytea not null);
    create function record_envelope_insert() returns trigger language plpgsql as
      $$ begin insert into envelope_inserts values (new.server_guid); return new; end $$;
    create trigger envelope_inserted after insert on envelopes for each row execute function record_envelope_insert();
  `);
  return async () => Number((await stack.query<{ count: string }>('select count(*) from envelope_inserts'))[0]?.count);
}
