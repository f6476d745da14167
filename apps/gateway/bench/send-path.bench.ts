// The gateway's per-message work outside I/O, before and after it was trimmed: server GUIDs
// for a message's copies (one hash each vs the shared prefix hashed once), and a frame's
// metric type (derived from the decoded object each time vs looked up by its kind).
// Run with `node -r ./tools/register.cjs apps/gateway/bench/send-path.bench.ts`.
// Figures, not assertions: the machine may be shared.
import { wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { frameTypeOf } from '../src/connections/frame-codec';
import { frameTypeName } from '../src/frames/frame-handler.registry';
import { serverGuidOf, serverGuidsOf } from '../src/messages/server-guid';

const MESSAGES = 50_000;
const DEVICES = [1, 2, 3, 4];

/** Runs once to warm up the JIT, then measures a second run. */
function perSecond(count: number, run: (index: number) => void): number {
  for (let index = 0; index < count; index += 1) run(index);
  const started = performance.now();
  for (let index = 0; index < count; index += 1) run(index);
  return Math.round((count * 1000) / (performance.now() - started));
}

const message = {
  sourceAccount: 'coming1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqgsvp6w',
  sourceDevice: 1,
  destinationAccount: 'coming1pzyg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryg3ryqe3m7gt',
  clientMessageId: randomBytes(16),
};
const frame = wire.ClientFrame.decode(
  wire.ClientFrame.encode({
    requestId: 7,
    sendMessage: { destinationAccount: 'x', clientMessageId: randomBytes(16), clientTimestampMs: 0, messages: [], retryOfRefused: false },
  }).finish(),
);
const labels = new Map([['sendMessage', frameTypeName('sendMessage')]]);

console.log(`server GUIDs for ${DEVICES.length} devices, messages/s:`);
console.log(
  `  one hash per copy    ${perSecond(MESSAGES, () => DEVICES.forEach((destinationDevice) => serverGuidOf({ ...message, destinationDevice })))}`,
);
console.log(`  shared prefix        ${perSecond(MESSAGES, () => DEVICES.forEach(serverGuidsOf(message)))}`);
console.log('frame type for metrics, frames/s:');
console.log(`  from the object      ${perSecond(MESSAGES * 4, () => frameTypeOf(frame))}`);
console.log(`  looked up by kind    ${perSecond(MESSAGES * 4, () => labels.get('sendMessage'))}`);
