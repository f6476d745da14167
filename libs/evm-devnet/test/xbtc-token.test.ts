import { findFreePorts } from '@coming/testing';
import { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, XBTC_ABI, xbtcDomain } from '@coming/xbtc';
import { randomBytes } from 'node:crypto';
import { type Address, createWalletClient, type Hex, http, parseEther, toHex } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvmDevnet, localEvmChain, startEvmDevnet } from '../src';

const HOUR = 3_600n;

// The token on a real local EVM chain: a sender with no gas coin signs, a relayer submits.
describe('X-BTC on the local EVM chain', () => {
  let chain: EvmDevnet;
  const alice = privateKeyToAccount(generatePrivateKey());
  const bob = privateKeyToAccount(generatePrivateKey()).address;
  const relayer = privateKeyToAccount(generatePrivateKey());

  const balanceOf = (address: Address) =>
    chain.client.readContract({ address: chain.token, abi: XBTC_ABI, functionName: 'balanceOf', args: [address] });
  const now = async () => (await chain.client.getBlock()).timestamp;

  /** An authorization `signer` signs (for this chain and token unless told otherwise). */
  async function authorization(
    signer: PrivateKeyAccount,
    terms: Partial<TransferWithFee> & { chainId?: number; token?: Address } = {},
  ): Promise<{ message: TransferWithFee; signature: Hex }> {
    const message: TransferWithFee = {
      from: signer.address,
      to: bob,
      value: 100_000n,
      fee: 150n,
      validAfter: 0n,
      validBefore: (await now()) + HOUR,
      nonce: toHex(randomBytes(32)),
      ...terms,
    };
    const signature = await signer.signTypedData({
      domain: xbtcDomain(terms.chainId ?? chain.chainId, terms.token ?? chain.token),
      types: TRANSFER_WITH_FEE_TYPES,
      primaryType: 'TransferWithFee',
      message,
    });
    return { message, signature };
  }

  /** Submits as the relayer, paying the gas; resolves once mined. */
  async function relay({ message, signature }: { message: TransferWithFee; signature: Hex }) {
    const wallet = createWalletClient({ account: relayer, chain: localEvmChain(chain.rpcUrl), transport: http(chain.rpcUrl) });
    const { from, to, value, fee, validAfter, validBefore, nonce } = message;
    const { request } = await chain.client.simulateContract({
      account: relayer,
      address: chain.token,
      abi: XBTC_ABI,
      functionName: 'transferWithFee',
      args: [from, to, value, fee, validAfter, validBefore, nonce, signature],
    });
    const hash = await wallet.writeContract(request);
    return chain.client.waitForTransactionReceipt({ hash });
  }

  beforeAll(async () => {
    chain = await startEvmDevnet({ port: await findFreePorts(1) });
    await chain.setNativeBalance(relayer.address, parseEther('10'));
    await chain.mint(alice.address, 1_000_000n);
  }, 60_000);

  afterAll(async () => {
    await chain?.close();
  });

  it('counts satoshis (8 decimals), and only the bridge mints', async () => {
    expect(await chain.client.readContract({ address: chain.token, abi: XBTC_ABI, functionName: 'decimals' })).toBe(8);
    expect(await chain.client.readContract({ address: chain.token, abi: XBTC_ABI, functionName: 'symbol' })).toBe('XBTC');
    await expect(
      chain.client.simulateContract({
        account: relayer,
        address: chain.token,
        abi: XBTC_ABI,
        functionName: 'mint',
        args: [relayer.address, 1n],
      }),
    ).rejects.toThrow(/OwnableUnauthorizedAccount/);
  });

  it('moves the value to the payee and the signed fee to the relayer, the sender holding no gas coin', async () => {
    expect(await chain.client.getBalance({ address: alice.address })).toBe(0n);
    const signed = await authorization(alice);
    const receipt = await relay(signed);
    expect(receipt.status).toBe('success');
    expect(await balanceOf(alice.address)).toBe(1_000_000n - 100_000n - 150n);
    expect(await balanceOf(bob)).toBe(100_000n);
    expect(await balanceOf(relayer.address)).toBe(150n);
    expect(await chain.client.getBalance({ address: alice.address })).toBe(0n);
    expect(
      await chain.client.readContract({
        address: chain.token,
        abi: XBTC_ABI,
        functionName: 'authorizationState',
        args: [alice.address, signed.message.nonce],
      }),
    ).toBe(true);

    // The same authorization again is a replay.
    await expect(relay(signed)).rejects.toThrow(/AuthorizationAlreadyUsed/);
  });

  it('refuses an authorization out of its window, for another chain or token, with a changed fee, or beyond the balance', async () => {
    const past = (await now()) - 1n;
    await expect(relay(await authorization(alice, { validBefore: past }))).rejects.toThrow(/AuthorizationExpired/);
    await expect(
      relay(await authorization(alice, { validAfter: (await now()) + HOUR, validBefore: (await now()) + 2n * HOUR })),
    ).rejects.toThrow(/AuthorizationNotYetValid/);
    await expect(relay(await authorization(alice, { chainId: 1 }))).rejects.toThrow(/InvalidSignature/);
    await expect(relay(await authorization(alice, { token: bob }))).rejects.toThrow(/InvalidSignature/);
    const signed = await authorization(alice);
    await expect(relay({ ...signed, message: { ...signed.message, fee: 10_000n } })).rejects.toThrow(/InvalidSignature/);
    await expect(relay(await authorization(alice, { value: 10_000_000n }))).rejects.toThrow(/ERC20InsufficientBalance/);
    expect(await balanceOf(alice.address)).toBe(1_000_000n - 100_000n - 150n);
  });

  it('forgets a mined transfer when the chain goes back to a snapshot', async () => {
    const before = await chain.snapshot();
    await relay(await authorization(alice, { value: 1_000n, fee: 0n }));
    expect(await balanceOf(bob)).toBe(101_000n);
    await chain.revert(before);
    expect(await balanceOf(bob)).toBe(100_000n);
  });
});
