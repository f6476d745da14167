import { XBTC_ABI } from '@coming/xbtc';
import { Injectable } from '@nestjs/common';
import { type Address, BaseError, encodeFunctionData, type Hex, keccak256, type PrivateKeyAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { GAS_PER_TRANSFER, type SignedAuthorization } from './xbtc-authorization';
import { isUnreachable, XbtcChain } from './xbtc-chain';

export const RELAYER_GAS_LOW = "the relayer's gas balance is too low";
/**
 * How long one submitter holds the sending of a transfer (XbtcTransfersRepository's
 * claimSubmission): well beyond a submission's few requests to the node, so that the
 * follower takes over only from a relay that died between recording a transfer and sending it.
 */
export const SUBMISSION_CLAIM_MS = 30_000;

export type Submission = { kind: 'submitted'; txHash: Hex; raw: Hex } | { kind: 'waiting'; reason: string };

/**
 * The operator's relayer account: the only holder of its key, which never leaves this class
 * (not logged, not stored). It pays the gas of relayed transfers and earns their fees.
 * Submissions are serialised in this process, so that each takes the next account nonce.
 */
@Injectable()
export class XbtcRelayer {
  private readonly account: PrivateKeyAccount;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly chain: XbtcChain) {
    this.account = privateKeyToAccount(chain.settings.relayerKey);
  }

  get address(): Address {
    return this.account.address;
  }

  nativeBalance(): Promise<bigint> {
    return this.chain.use((client) => client.getBalance({ address: this.account.address }));
  }

  /**
   * Signs and sends a transaction calling transferWithFee, unless the relayer cannot pay
   * its gas at today's price: then nothing is sent and the transfer waits for funding.
   */
  submit(authorization: SignedAuthorization): Promise<Submission> {
    const next = this.queue.then(() => this.submitNow(authorization));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Sends an already signed transaction again (after a reorganisation); false when the node refuses it. */
  async resend(raw: Hex): Promise<boolean> {
    return this.chain.use(async (client) => {
      try {
        await client.sendRawTransaction({ serializedTransaction: raw });
        return true;
      } catch (error) {
        // "already known" means it is in the node's pool: as good as sent.
        return error instanceof Error && /already known|already imported/i.test(error.message);
      }
    });
  }

  private async submitNow({ message, signature }: SignedAuthorization): Promise<Submission> {
    return this.chain.use(async (client) => {
      const { from, to, value, fee, validAfter, validBefore, nonce } = message;
      const [fees, balance, accountNonce] = await Promise.all([
        client.estimateFeesPerGas(),
        client.getBalance({ address: this.account.address }),
        client.getTransactionCount({ address: this.account.address, blockTag: 'pending' }),
      ]);
      if (balance < GAS_PER_TRANSFER * fees.maxFeePerGas) return { kind: 'waiting', reason: RELAYER_GAS_LOW };
      const raw = await this.account.signTransaction({
        type: 'eip1559',
        chainId: this.chain.settings.chainId,
        to: this.chain.settings.token,
        data: encodeFunctionData({
          abi: XBTC_ABI,
          functionName: 'transferWithFee',
          args: [from, to, value, fee, validAfter, validBefore, nonce, signature],
        }),
        gas: GAS_PER_TRANSFER,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        nonce: accountNonce,
      });
      try {
        await client.sendRawTransaction({ serializedTransaction: raw });
      } catch (error) {
        if (isUnreachable(error) || !(error instanceof BaseError)) throw error;
        // The node's word on it; the transfer waits and the next pass tries again.
        return {
          kind: 'waiting',
          reason: /insufficient funds/i.test(error.message) ? RELAYER_GAS_LOW : `the node refused it: ${error.shortMessage}`,
        };
      }
      return { kind: 'submitted', txHash: keccak256(raw), raw };
    });
  }
}
