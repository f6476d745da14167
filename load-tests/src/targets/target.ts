/** A server the generator drives: Coming (single node or stack) or the baseline relay. */
export interface Target {
  readonly label: string;
  /** Where senders log in and connect (ws://host:port). */
  readonly senderUrl: string;
  /** Where recipients log in and connect; another gateway on the stack. */
  readonly recipientUrl: string;
  /** Every server process (their descendants count too), for CPU time and memory. */
  serverPids(): number[];
  /**
   * The processes that hold the state of an idle connection to `recipientUrl`, for memory
   * per connection: on the stack the recipients' gateway and NATS (a subscription per
   * device), not the gateway that served the logins nor services an idle device never
   * touches, whose memory moves for reasons of their own.
   */
  connectionPids(): number[];
  stop(): Promise<void>;
}
