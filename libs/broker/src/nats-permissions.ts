import { subjectPatterns } from './subjects';

/** The processes that connect to NATS, each with a user of its own. */
export const NATS_SERVICES = ['gateway', 'auth', 'mailbox', 'keys', 'payments'] as const;
export type NatsService = (typeof NATS_SERVICES)[number];

export interface NatsPermissions {
  /** Subject patterns (before the deployment's prefix) the service may publish to. */
  publish: string[];
  /** Subject patterns (before the deployment's prefix) the service may subscribe to. */
  subscribe: string[];
  /** May answer requests it received (publish once to their reply subject), and nothing more on inboxes. */
  allowResponses: boolean;
}

/**
 * Who may say what on NATS. Only gateways hold sockets, so only they take deliveries,
 * answer them, announce presence and relay provisioning messages between new devices'
 * connections; only the mailbox says an envelope was stored; only keys says a device runs
 * low; only payments says a payment status changed; only auth revokes devices, changes an
 * account's device list and asks the mailbox and keys to purge a removed device, and only
 * they answer those requests. Replies reach
 * a requester on its own inbox prefix (`natsInboxPrefix`), which no other service may read.
 */
export const natsPermissions: Record<NatsService, NatsPermissions> = {
  gateway: {
    publish: [subjectPatterns.deliver, subjectPatterns.deviceConnected, subjectPatterns.provisioning],
    subscribe: [subjectPatterns.deviceEvents, subjectPatterns.devicesChanged, subjectPatterns.provisioning, subjectPatterns.paymentStatus],
    allowResponses: true,
  },
  auth: {
    publish: [subjectPatterns.deviceRevoked, subjectPatterns.devicesChanged, subjectPatterns.purgeMailbox, subjectPatterns.purgeKeys],
    subscribe: [],
    allowResponses: false,
  },
  mailbox: { publish: [subjectPatterns.mailboxStored], subscribe: [subjectPatterns.purgeMailbox], allowResponses: true },
  keys: { publish: [subjectPatterns.keysLow], subscribe: [subjectPatterns.purgeKeys], allowResponses: true },
  payments: { publish: [subjectPatterns.paymentStatus], subscribe: [], allowResponses: false },
};

/** Where a service's request replies arrive; only that service may subscribe there. */
export function natsInboxPrefix(service: string): string {
  return `_INBOX_${service}`;
}

export interface NatsUser {
  user: string;
  /**
   * The password, written into the file as a quoted string; or `$NAME`, which nats-server
   * reads from its environment, so that the file itself holds no secret.
   */
  password: string;
}

/**
 * A nats-server `authorization` block giving each service its user and permissions under
 * the deployment's subject prefix. A client that is none of these users cannot connect.
 */
export function natsAuthorizationConfig(subjectPrefix: string, users: Record<NatsService, NatsUser>): string {
  const prefixed = (pattern: string) => (subjectPrefix === '' ? pattern : `${subjectPrefix}.${pattern}`);
  const list = (patterns: string[]) => `[${patterns.map((pattern) => JSON.stringify(pattern)).join(', ')}]`;
  // nats-server reads an empty allow list as "everything", so nothing allowed is spelled as a deny.
  const rule = (patterns: string[]) => (patterns.length === 0 ? `{ deny: [">"] }` : `{ allow: ${list(patterns)} }`);
  const entries = NATS_SERVICES.map((service) => {
    const { publish, subscribe, allowResponses } = natsPermissions[service];
    const { user, password } = users[service];
    const secret = password.startsWith('$') ? password : JSON.stringify(password);
    return [
      `    {`,
      `      user: ${JSON.stringify(user)}, password: ${secret}`,
      `      permissions: {`,
      `        publish: ${rule(publish.map(prefixed))}`,
      `        subscribe: ${rule([...subscribe.map(prefixed), `${natsInboxPrefix(service)}.>`])}`,
      ...(allowResponses ? ['        allow_responses: true'] : []),
      `      }`,
      `    }`,
    ].join('\n');
  });
  return `authorization {\n  users: [\n${entries.join('\n')}\n  ]\n}\n`;
}
