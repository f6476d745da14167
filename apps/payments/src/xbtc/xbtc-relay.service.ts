import { RateLimiter } from '@coming/cache';
import { payments } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, XBTC_ABI, xbtcDomain } from '@coming/xbtc';
import { Injectable } from '@nestjs/common';
import { BaseError, ContractFunctionRevertedError, toHex, verifyTypedData } from 'viem';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { PaymentsMetrics } from '../payments.metrics';
import { checkDevice, invalid } from '../request-checks';
import { evmAddressOf } from './xbtc-addresses';
import type { SignedAuthorization } from './xbtc-authorization';
import { XbtcChain } from './xbtc-chain';
import { XbtcFees } from './xbtc-fees';
import { XbtcNotifier } from './xbtc-notifier';
import { SUBMISSION_CLAIM_MS, XbtcRelayer } from './xbtc-relayer';
import { xbtcStatusOf } from './xbtc-status';
import { type XbtcTransferRow, XbtcTransfersRepository } from './xbtc-transfers.repository';
import { XbtcWatchListRepository } from './xbtc-watch-list.repository';

const { XbtcRejection } = payments;
/** The most satoshis there will ever be: no value or fee can be larger. */
const MAX_SAT = 2_100_000_000_000_000;
/** An authorization that lapses sooner than this cannot be relied on to be mined in time. */
const SUBMIT_MARGIN_SECONDS = 15n;

type Rejection = payments.XbtcRelayRejected;
const reject = (rejection: payments.XbtcRejection, reason: string): { rejected: Rejection } => ({ rejected: { rejection, reason } });

/**
 * Relays signed X-BTC authorizations from the operator's relayer. Every check that can
 * refuse one runs before any gas is spent; the simulation last, as the chain's own word.
 *
 * The rate limit is libs/cache's RateLimiter: per account, shared between replicas through
 * Redis, and enforced per replica when Redis is away.
 */
@Injectable()
export class XbtcRelayService {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: XbtcChain,
    private readonly fees: XbtcFees,
    private readonly relayer: XbtcRelayer,
    private readonly watchList: XbtcWatchListRepository,
    private readonly transfers: XbtcTransfersRepository,
    private readonly notifier: XbtcNotifier,
    private readonly rateLimiter: RateLimiter,
    private readonly metrics: PaymentsMetrics,
    private readonly clock: Clock,
  ) {}

  async relay(request: payments.RelayXbtcTransferRequest): Promise<payments.RelayXbtcTransferResponse> {
    checkDevice(request.accountId, request.deviceId);
    const signed = this.parse(request.authorization);
    const { from, nonce } = signed.message;
    if ((await this.watchList.notWatchedBy(request.accountId, [from])).length > 0) return { foreignAddresses: { addresses: [from] } };
    const decision = await this.rateLimiter.consume(
      { name: 'xbtc-relay', limit: this.config.PAYMENTS_XBTC_RELAYS_PER_MINUTE, windowMs: 60_000 },
      request.accountId,
    );
    if (!decision.allowed) {
      throw new PaymentsError(
        PaymentsErrorCode.RateLimited,
        `at most ${this.config.PAYMENTS_XBTC_RELAYS_PER_MINUTE} X-BTC relays a minute; retry in ${Math.ceil(decision.retryAfterMs / 1_000)} s`,
      );
    }

    const existing = await this.transfers.byAuthorization(from, nonce);
    if (existing !== undefined) return this.again(existing, signed);
    const domainRejection = this.checkDomain(request.authorization!);
    if (domainRejection !== undefined) return this.rejected(domainRejection);
    const refusal = await this.check(signed);
    if (refusal !== undefined) return this.rejected(refusal);

    const now = this.clock.now();
    const row = await this.transfers.insertRelayed(
      {
        account_id: request.accountId,
        from_address: from,
        to_address: signed.message.to,
        value_sat: Number(signed.message.value),
        fee_sat: Number(signed.message.fee),
        nonce,
        valid_after: Number(signed.message.validAfter),
        valid_before: Number(signed.message.validBefore),
        signature: signed.signature,
        state: 'in_mempool',
        reason: 'waiting to be submitted',
        // Sent by this relay: the follower's pass, seeing it unsent meanwhile, leaves it alone.
        submitting_until: new Date(now.getTime() + SUBMISSION_CLAIM_MS),
      },
      now,
    );
    // Another request recorded the same authorization first: answer as it did.
    if (row === undefined) return this.again((await this.transfers.byAuthorization(from, nonce))!, signed);
    const submission = await this.relayer.submit(signed);
    if (submission.kind === 'submitted') {
      await this.transfers.change(
        row.id,
        { state: 'broadcast', reason: '', tx_hash: submission.txHash, raw_transaction: submission.raw, submitting_until: null },
        now,
      );
    } else {
      await this.transfers.change(row.id, { reason: submission.reason, submitting_until: null }, now);
    }
    this.metrics.xbtcRelays.add(1, { outcome: submission.kind === 'submitted' ? 'submitted' : 'pending_gas' });
    await this.notifier.changed([row.id]);
    const [stored] = await this.transfers.byIds([row.id]);
    return { accepted: xbtcStatusOf(stored!, this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH) };
  }

  private parse(authorization: payments.XbtcAuthorization | undefined): SignedAuthorization {
    if (authorization === undefined) throw invalid('authorization is required');
    const amount = (value: number, field: string, min: number) => {
      if (!Number.isSafeInteger(value) || value < min || value > MAX_SAT)
        throw invalid(`authorization.${field} must be ${min} to ${MAX_SAT} satoshis`);
      return BigInt(value);
    };
    if (authorization.nonce.length !== 32) throw invalid(`authorization.nonce must be 32 bytes, not ${authorization.nonce.length}`);
    if (authorization.signature.length !== 65)
      throw invalid(`authorization.signature must be 65 bytes (r, s, v), not ${authorization.signature.length}`);
    if (authorization.validBefore <= authorization.validAfter) throw invalid('authorization.valid_before must be after valid_after');
    const message: TransferWithFee = {
      from: evmAddressOf(authorization.from, 'authorization.from'),
      to: evmAddressOf(authorization.to, 'authorization.to'),
      value: amount(authorization.valueSat, 'value_sat', 1),
      fee: amount(authorization.feeSat, 'fee_sat', 0),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
      nonce: toHex(authorization.nonce),
    };
    return { message, signature: toHex(authorization.signature) };
  }

  /** An authorization for another chain or token is refused by name before its signature is looked at. */
  private checkDomain({ chainId, token }: payments.XbtcAuthorization): Rejection | undefined {
    const { settings } = this.chain;
    if (chainId !== settings.chainId) {
      return reject(
        XbtcRejection.XBTC_REJECTION_WRONG_DOMAIN,
        `signed for chain ID ${chainId}; this relayer serves chain ID ${settings.chainId}`,
      ).rejected;
    }
    if (token === '' || evmAddressOf(token, 'authorization.token') !== settings.token) {
      return reject(
        XbtcRejection.XBTC_REJECTION_WRONG_DOMAIN,
        `signed for token ${token || '(none)'}; this relayer serves X-BTC at ${settings.token}`,
      ).rejected;
    }
    return undefined;
  }

  private async check(signed: SignedAuthorization): Promise<Rejection | undefined> {
    const { message, signature } = signed;
    const { settings } = this.chain;
    const valid = await verifyTypedData({
      address: message.from,
      domain: xbtcDomain(settings.chainId, settings.token),
      types: TRANSFER_WITH_FEE_TYPES,
      primaryType: 'TransferWithFee',
      message,
      signature,
    }).catch(() => false);
    if (!valid) {
      return reject(
        XbtcRejection.XBTC_REJECTION_INVALID_SIGNATURE,
        `the signature does not recover to ${message.from} over X-BTC's domain on chain ${settings.chainId}`,
      ).rejected;
    }
    const token = { address: settings.token, abi: XBTC_ABI } as const;
    const [block, used, balance, quote] = await Promise.all([
      this.chain.use((client) => client.getBlock()),
      this.chain.use((client) =>
        client.readContract({ ...token, functionName: 'authorizationState', args: [message.from, message.nonce] }),
      ),
      this.chain.use((client) => client.readContract({ ...token, functionName: 'balanceOf', args: [message.from] })),
      this.fees.quote(),
    ]);
    if (message.validAfter >= block.timestamp) {
      return reject(
        XbtcRejection.XBTC_REJECTION_NOT_YET_VALID,
        `valid_after ${message.validAfter} has not passed (chain time ${block.timestamp})`,
      ).rejected;
    }
    if (message.validBefore <= block.timestamp + SUBMIT_MARGIN_SECONDS) {
      return reject(
        XbtcRejection.XBTC_REJECTION_EXPIRED,
        `valid_before ${message.validBefore} has passed or is too near (chain time ${block.timestamp})`,
      ).rejected;
    }
    if (used) return reject(XbtcRejection.XBTC_REJECTION_NONCE_USED, `nonce ${message.nonce} of ${message.from} was used already`).rejected;
    const lowest = XbtcFees.lowestAccepted(quote);
    if (message.fee < BigInt(lowest)) {
      return reject(
        XbtcRejection.XBTC_REJECTION_FEE_TOO_LOW,
        `fee ${message.fee} sat is below the relayer's quote of ${quote.feeSat} sat (at least ${lowest} sat taken)`,
      ).rejected;
    }
    const available = balance - BigInt(await this.transfers.pendingOut(message.from));
    if (available < message.value + message.fee) {
      return reject(
        XbtcRejection.XBTC_REJECTION_INSUFFICIENT_BALANCE,
        `${message.from} holds ${available} sat not already pending; value + fee is ${message.value + message.fee} sat`,
      ).rejected;
    }
    return this.simulate(signed);
  }

  /** The token's own verdict, as the relayer would call it; its custom errors become reasons. */
  private async simulate({ message, signature }: SignedAuthorization): Promise<Rejection | undefined> {
    const { from, to, value, fee, validAfter, validBefore, nonce } = message;
    try {
      await this.chain.use((client) =>
        client.simulateContract({
          account: this.relayer.address,
          address: this.chain.settings.token,
          abi: XBTC_ABI,
          functionName: 'transferWithFee',
          args: [from, to, value, fee, validAfter, validBefore, nonce, signature],
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof BaseError)) throw error;
      const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
      if (!(reverted instanceof ContractFunctionRevertedError)) throw error;
      return revertRejection(reverted);
    }
  }

  /** The same authorization again answers with its status; another one with a used nonce is refused. */
  private again(existing: XbtcTransferRow, signed: SignedAuthorization): payments.RelayXbtcTransferResponse {
    if (existing.signature?.toLowerCase() !== signed.signature.toLowerCase()) {
      return this.rejected(
        reject(
          XbtcRejection.XBTC_REJECTION_NONCE_USED,
          `nonce ${signed.message.nonce} of ${signed.message.from} was used by another authorization`,
        ).rejected,
      );
    }
    return { accepted: xbtcStatusOf(existing, this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH) };
  }

  private rejected(rejection: Rejection): payments.RelayXbtcTransferResponse {
    this.metrics.xbtcRelays.add(1, { outcome: 'rejected' });
    return { rejected: rejection };
  }
}

const REVERTS: Record<string, [payments.XbtcRejection, string]> = {
  AuthorizationExpired: [XbtcRejection.XBTC_REJECTION_EXPIRED, 'the authorization has expired'],
  AuthorizationNotYetValid: [XbtcRejection.XBTC_REJECTION_NOT_YET_VALID, 'the authorization is not valid yet'],
  AuthorizationAlreadyUsed: [XbtcRejection.XBTC_REJECTION_NONCE_USED, 'the nonce was used already'],
  InvalidSignature: [XbtcRejection.XBTC_REJECTION_INVALID_SIGNATURE, 'the token finds the signature invalid'],
  ERC20InsufficientBalance: [XbtcRejection.XBTC_REJECTION_INSUFFICIENT_BALANCE, 'the sender holds too little X-BTC'],
};

function revertRejection(reverted: ContractFunctionRevertedError): Rejection {
  const name = reverted.data?.errorName ?? '';
  const [rejection, reason] = REVERTS[name] ?? [
    XbtcRejection.XBTC_REJECTION_SIMULATION_FAILED,
    `the token refused it: ${reverted.reason ?? (name || 'no reason given')}`,
  ];
  return { rejection, reason: `${reason} (${name || 'revert'})` };
}
