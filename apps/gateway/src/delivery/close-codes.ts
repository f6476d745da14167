/** WebSocket close codes the gateway uses; the client SDK reacts to each. */
export enum CloseCode {
  /** The server is restarting: reconnect, to this or another gateway. */
  ServiceRestart = 1012,
  /** The device did not acknowledge pushed envelopes in time: reconnect to get them again. */
  AcknowledgementTimeout = 4408,
  /** A newer connection of the same device took over: do not reconnect automatically. */
  Displaced = 4409,
}
