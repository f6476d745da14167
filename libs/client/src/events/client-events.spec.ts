import { describe, expect, it } from 'vitest';
import { ClientEvents } from './client-events';

describe(ClientEvents.name, () => {
  it("calls each event's listeners with its arguments, and only that event's", () => {
    const events = new ClientEvents();
    const closes: [number, string][] = [];
    const identities: string[] = [];
    events.on('connectionClosed', (code, reason) => closes.push([code, reason]));
    events.on('identityChanged', (accountId) => identities.push(accountId));
    events.emit('connectionClosed', 4409, 'displaced');
    expect(closes).toEqual([[4409, 'displaced']]);
    expect(identities).toEqual([]);
  });

  it('stops calling a listener once its unsubscribe function is called', () => {
    const events = new ClientEvents();
    let calls = 0;
    const stop = events.on('queueEmpty', () => (calls += 1));
    events.emit('queueEmpty');
    stop();
    events.emit('queueEmpty');
    expect(calls).toBe(1);
    expect(events.listenerCount('queueEmpty')).toBe(0);
  });

  it('lets a listener unsubscribe itself while the event is going out, without skipping the others', () => {
    const events = new ClientEvents();
    const heard: string[] = [];
    const stop = events.on('identityChanged', () => {
      stop();
      heard.push('first');
    });
    events.on('identityChanged', () => heard.push('second'));
    events.emit('identityChanged', 'coming1x');
    events.emit('identityChanged', 'coming1x');
    expect(heard).toEqual(['first', 'second', 'second']);
  });

  it('drops an error nobody listens to instead of throwing it, and passes it on to a listener', () => {
    const events = new ClientEvents();
    expect(() => events.emit('error', new Error('unheard'))).not.toThrow();
    const errors: Error[] = [];
    events.on('error', (error) => errors.push(error));
    events.emit('error', new Error('heard'));
    expect(errors.map(({ message }) => message)).toEqual(['heard']);
  });
});
