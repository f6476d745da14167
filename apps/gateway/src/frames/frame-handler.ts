import type { wire } from '@coming/proto';
import type { ClientConnection } from '../connections/client-connection';

/** The requests a ClientFrame can carry: the fields of its `oneof request`. */
export type FrameKind = Exclude<keyof wire.ClientFrame, 'requestId'>;

export type FrameRequest<Kind extends FrameKind> = NonNullable<wire.ClientFrame[Kind]>;

/** A successful answer; failures are thrown and become an Error response in one place. */
export type FrameAnswer = Omit<wire.Response, 'requestId' | 'error'>;

/** Serves one kind of request frame. */
export interface FrameHandler<Kind extends FrameKind> {
  handle(connection: ClientConnection, request: FrameRequest<Kind>): Promise<FrameAnswer>;
}
