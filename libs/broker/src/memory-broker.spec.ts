import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { BrokerErrorCode } from './broker';
import { MemoryBroker } from './memory-broker';

describe(MemoryBroker.name, () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('answers a request with the first reply', async () => {
    const broker = new MemoryBroker();
    broker.subscribe('echo', (message) => message.respond(message.data));
    expect(await broker.request('echo', bytes('hi'), 1_000)).toEqual(bytes('hi'));
  });

  it('fails a request at once when nobody subscribes, and after the timeout when nobody answers', async () => {
    const broker = new MemoryBroker();
    await expect(broker.request('nobody', bytes('?'), 1_000)).rejects.toMatchObject({ code: BrokerErrorCode.NoResponders });
    broker.subscribe('silent', () => undefined);
    await expect(broker.request('silent', bytes('?'), 20)).rejects.toMatchObject({ code: BrokerErrorCode.Timeout });
  });

  it('stops delivering after unsubscribe', async () => {
    const broker = new MemoryBroker();
    const seen: string[] = [];
    const subscription = broker.subscribe('news', (message) => seen.push(new TextDecoder().decode(message.data)));
    await broker.publish('news', bytes('one'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    subscription.unsubscribe();
    await broker.publish('news', bytes('two'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual(['one']);
  });

  it('delivers to wildcard subscriptions as NATS does', async () => {
    const broker = new MemoryBroker();
    const seen: string[] = [];
    broker.subscribe('devices.changed.*', (message) => seen.push(`one:${message.subject}`));
    broker.subscribe('devices.>', (message) => seen.push(`rest:${message.subject}`));
    for (const subject of ['devices.changed.alice', 'devices.changed.alice.2', 'devices', 'keys.changed.alice']) {
      await broker.publish(subject, bytes(''));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen.sort()).toEqual(['one:devices.changed.alice', 'rest:devices.changed.alice', 'rest:devices.changed.alice.2']);
  });

  it("runs handlers in the sender's trace context", async () => {
    new NodeTracerProvider().register();
    const broker = new MemoryBroker();
    broker.subscribe('traced', (message) => message.respond(bytes(trace.getActiveSpan()?.spanContext().traceId ?? 'none')));
    const { sent, traceId } = await trace.getTracer('test').startActiveSpan('send', async (span) => {
      const reply = await broker.request('traced', bytes('?'), 1_000);
      span.end();
      return { sent: new TextDecoder().decode(reply), traceId: span.spanContext().traceId };
    });
    expect(sent).toBe(traceId);
  });

  it('answers a request through a wildcard subscription, and has no responders once it is gone', async () => {
    const broker = new MemoryBroker();
    const subscription = broker.subscribe('device.bob.3.*', (message) => message.respond(bytes(message.subject)));
    expect(new TextDecoder().decode(await broker.request('device.bob.3.deliver', bytes('?'), 1_000))).toBe('device.bob.3.deliver');
    subscription.unsubscribe();
    await expect(broker.request('device.bob.3.deliver', bytes('?'), 1_000)).rejects.toMatchObject({ code: BrokerErrorCode.NoResponders });
  });
});
