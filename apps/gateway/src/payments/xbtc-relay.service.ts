import type { AccessClaims } from '@coming/access-token';
import type { payments, wire } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { refuseForeign, required } from './payments-answers';
import { PaymentsRepository } from './payments.repository';

/** X-BTC reads and relays refuse any address the account does not watch, not only another account's. */
const NOT_WATCHED = 'not watched by this account';

/**
 * The device's X-BTC frames, answered by the payments service's relayer. As for Bitcoin, the
 * account and device come from the access token, never from the frame; the gateway holds no
 * key and signs nothing: the authorization is signed on the device.
 */
@Injectable()
export class XbtcRelayService {
  constructor(private readonly payments: PaymentsRepository) {}

  async info(): Promise<payments.XbtcInfo> {
    return required((await this.payments.xbtcInfo()).info, 'info');
  }

  async watch({ accountId, deviceId }: AccessClaims, { addresses }: wire.WatchXbtcAddressesRequest): Promise<payments.Watched> {
    return required(refuseForeign(await this.payments.watchXbtc({ accountId, deviceId, addresses })).watched, 'watched');
  }

  async balance({ accountId, deviceId }: AccessClaims, { address }: wire.GetXbtcBalanceRequest): Promise<payments.XbtcBalance> {
    return required(refuseForeign(await this.payments.xbtcBalance({ accountId, deviceId, address }), NOT_WATCHED).balance, 'balance');
  }

  async quoteFee(): Promise<payments.XbtcFeeQuote> {
    return required((await this.payments.quoteXbtcFee()).quote, 'quote');
  }

  async relay({ accountId, deviceId }: AccessClaims, { authorization }: wire.RelayXbtcTransferRequest): Promise<wire.XbtcRelayResult> {
    const { accepted, rejected } = refuseForeign(await this.payments.relayXbtc({ accountId, deviceId, authorization }), NOT_WATCHED);
    if (accepted === undefined && rejected === undefined) throw new Error('payments answered without accepted or rejected');
    return { accepted, rejected };
  }

  async transfers({ accountId, deviceId }: AccessClaims, request: wire.GetXbtcTransfersRequest): Promise<payments.XbtcTransfers> {
    return required(
      refuseForeign(await this.payments.xbtcTransfers({ accountId, deviceId, ...request }), NOT_WATCHED).transfers,
      'transfers',
    );
  }
}
