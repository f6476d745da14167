import type { PaymentsState } from '../payments/payment-entries';
import type { SignalState } from '../signal/client-signal-store';
import type { StoredSmsPart } from '../transport/sms/sms-inbound';
import type { SmsState } from '../transport/sms/sms-routes';
import type { BacklogEntry } from '../sending/server-backlog';
import type { BitcoinNetwork } from '../wallet/bitcoin/bitcoin-network';
import type { BitcoinWalletState } from '../wallet/bitcoin/bitcoin-wallet-state';
import type { XbtcWalletState } from '../wallet/xbtc/xbtc-wallet-state';

/** Tokens for one server, as auth issued them. */
export interface StoredTokens {
  accessToken: string;
  accessTokenExpiresAtMs: number;
  refreshToken: string;
  refreshTokenExpiresAtMs: number;
}

/**
 * What a linked device holds instead of the mnemonic, as its primary's provisioning
 * message gave it (every key base64). None of it is the account key.
 */
export interface LinkedDeviceState {
  /** The account's Signal identity private key. */
  identityPrivateKey: string;
  /** The account key's signature over the identity public key, which contacts check. */
  identityKeySignature: string;
  /** This device's own secp256k1 key; it signs the device's logins. */
  devicePrivateKey: string;
  /** The account key's certificate for the device key, shown at every login. */
  certificate: { devicePublicKey: string; createdAtMs: number; signature: string };
}

/** Everything a client keeps between runs. The mnemonic never leaves this store. */
export interface ClientState {
  /** The recovery phrase, on the account's primary device only. */
  mnemonic?: string;
  /** A linked device's keys, in place of the mnemonic. */
  linked?: LinkedDeviceState;
  accountId: string;
  /** Assigned by the deployment at first login; any of its gateways accepts it. */
  deviceId?: number;
  tokens?: StoredTokens;
  /** Last known device lists of recipients, corrected by the server on mismatch. */
  recipients: Record<string, number[]>;
  /**
   * When this device last asked the key directory for its own account's other devices
   * while it knew of none (ms since the epoch); see RecipientDevices.
   */
  ownDevicesCheckedAtMs?: number;
  /** This device's Signal keys and sessions, made at first login. */
  signal?: SignalState;
  /** Recently received messages, to drop redeliveries: server GUIDs and sender message keys. */
  seen: string[];
  /**
   * The wallets' bookkeeping (next indexes, watched addresses, pending transactions), on
   * the primary only: Bitcoin's per network, X-BTC's per token ("chainId:address", the
   * address in lower case). No key: keys derive from the mnemonic.
   */
  wallet?: {
    bitcoin?: Partial<Record<BitcoinNetwork['name'], BitcoinWalletState>>;
    xbtc?: Record<string, XbtcWalletState>;
  };
  /** Payment requests and payments this device sent or received. */
  payments?: PaymentsState;
  /** Contacts' SMS routes and cached prekey bundles; never uploaded. */
  sms?: SmsState;
  /** Messages encrypted while the server was away, waiting to be handed to it, oldest first. */
  serverBacklog?: BacklogEntry[];
  /** SMS (messaging.Envelope, base64) that came while the application took no messages: an SMS has no server to wait on. */
  heldSms?: string[];
  /** Parts of SMS messages still incomplete, as received, so that a restart holds them again. */
  smsParts?: StoredSmsPart[];
}

/** Where a client keeps its state: a folder on disk for the CLI, anything else elsewhere. */
export interface ClientStore {
  load(): Promise<ClientState | null>;
  /** Durable when it resolves: a received message is acknowledged only after this. */
  save(state: ClientState): Promise<void>;
}
