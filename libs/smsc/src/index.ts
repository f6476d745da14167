export { type SmscAccount } from './esme-session';
export { type SmscStats } from './message-router';
export { type MessageStoreLimits } from './message-store';
export { type Smsc, type SmscOptions, startSmsc } from './smsc';
export { type SmscLogEntry } from './smsc-log';
export { SmscError, SmscErrorCode } from './smsc.errors';
export { PartInbox, type ReceivedPart } from './part-inbox';
