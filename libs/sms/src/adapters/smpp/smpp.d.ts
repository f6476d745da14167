// The smpp package ships no type declarations; these cover the parts the carrier and the
// test SMSC use. Field names are the package's, which are SMPP 3.4's.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /**
     * A short_message as the package hands it over once parsed: with the UDHI bit set, the
     * user data header split off as a list of information elements (each with its IEI and
     * length octets); text codings decoded to a string, the others left as octets.
     */
    interface DecodedShortMessage {
      udh?: Buffer[];
      message: string | Buffer;
    }

    /** The PDU fields the carrier and the SMSC read or write. */
    interface PduFields {
      command_status?: number;
      sequence_number?: number;
      system_id?: string;
      password?: string;
      system_type?: string;
      interface_version?: number;
      addr_ton?: number;
      addr_npi?: number;
      address_range?: string;
      source_addr_ton?: number;
      source_addr_npi?: number;
      source_addr?: string;
      dest_addr_ton?: number;
      dest_addr_npi?: number;
      destination_addr?: string;
      esm_class?: number;
      registered_delivery?: number;
      data_coding?: number | null;
      /** Octets are written as they are; a received one is decoded (see DecodedShortMessage). */
      short_message?: Buffer | DecodedShortMessage;
      message_payload?: Buffer | DecodedShortMessage;
      message_id?: string;
      receipted_message_id?: string;
      message_state?: number;
    }

    interface PDU extends PduFields {
      /** The command's name (`submit_sm`), or `unknown` for a command ID the package does not know. */
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      isResponse(): boolean;
      /** The response to this request, with its sequence number (a generic_nack for an unknown command). */
      response(fields?: PduFields): PDU;
    }

    class Session extends EventEmitter {
      readonly socket: Socket;
      /** Writes `pdu` (numbering a request); `onResponse` gets the response with the same sequence number. False when the socket is closed. */
      send(pdu: PDU, onResponse?: (response: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
    }

    class Server extends NetServer {
      readonly sessions: Session[];
    }

    const PDU: new (command: string, fields?: PduFields) => PDU;
    function connect(options: { host: string; port: number }): Session;
    function createServer(options: Record<string, never>, onSession: (session: Session) => void): Server;
    /** Command status names (ESME_ROK, ESME_RTHROTTLED, …) to their values. */
    const errors: Readonly<Record<string, number>>;
    /** GSM 03.38 in one octet per septet; `table` 0 is the default alphabet. Unknown characters become spaces. */
    const gsmCoder: {
      encode(text: string, table: number): Buffer;
      decode(octets: Buffer, table: number): string;
    };
  }

  export = smpp;
}
