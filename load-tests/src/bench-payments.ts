// `npm run bench:payments`: the same payment in the chat, 0.001 BTC on a regtest chain and
// 0.001 X-BTC on a local EVM chain, through the scaled stack, several rounds of each taken
// in turn. Prints what each cost the payer and how long each took to be shown to the payee,
// pending and then confirmed, with a block mined as soon as it is pending.
import { BCOIN_REGTEST, BTC, ComingClient, MemoryClientStore, XBTC } from '@coming/client';
import { parseBlock, parseTransaction } from '@coming/chain';
import { startEvmDevnet } from '@coming/evm-devnet';
import { REGTEST_SEGWIT_HEIGHT, startRegtestNode } from '@coming/regtest';
import { eventually, findFreePorts, startTestStack } from '@coming/testing';
import { XBTC_ABI } from '@coming/xbtc';
import { hex } from '@scure/base';
import { parseArgs } from 'node:util';
import { type Address, type Hash, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { percentile } from './measure/percentiles';
import { type PaymentRound, type PaymentTiming, timePayment } from './payments/payment-timings';

const COINBASE_MATURITY = 100;

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 50)) throw new Error('--rounds takes a whole number from 1 to 50');

  const ports = await findFreePorts(2);
  const regtest = await startRegtestNode({ port: ports });
  const evm = await startEvmDevnet({ port: ports + 1 });
  const relayerKey = generatePrivateKey();
  await evm.setNativeBalance(privateKeyToAccount(relayerKey).address, parseEther('10'));
  await regtest.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
  // The services' own settings (2 s polls, 6 and 12 confirmations): what an operator gets.
  const stack = await startTestStack('bench-payments', {
    env: {
      PAYMENTS_BACKEND_URL: regtest.rpcUrl,
      PAYMENTS_XBTC_RPC_URL: evm.rpcUrl,
      PAYMENTS_XBTC_TOKEN: evm.token,
      PAYMENTS_XBTC_CHAIN_ID: String(evm.chainId),
      PAYMENTS_XBTC_RELAYER_KEY: relayerKey,
    },
  });
  const clients: ComingClient[] = [];
  try {
    const client = async () => {
      const created = await ComingClient.create({
        store: new MemoryClientStore(),
        server: stack.gatewayUrl(0),
        bitcoin: { network: BCOIN_REGTEST },
        xbtc: { token: { chainId: evm.chainId, address: evm.token } },
      });
      clients.push(created);
      await created.register();
      await created.connect();
      return created;
    };
    const [alice, bob] = [await client(), await client()];

    const [coinbase] = await regtest.mine(1, await alice.wallet.freshReceiveAddress());
    await regtest.mine(COINBASE_MATURITY);
    const block = parseBlock(hex.decode(await regtest.rpc<string>('getblock', [coinbase, false])));
    const funded = block.transactions[0]!.outputs.reduce((sum, { valueSat }) => sum + BigInt(valueSat), 0n);
    await eventually(async () => (await alice.wallet.balance()).confirmed === funded, "Alice's coinbase in her balance");
    await evm.mint((await alice.xbtcWallet.freshReceiveAddress()) as Address, 100_000_000n);
    await eventually(async () => (await alice.xbtcWallet.balance()).confirmed === 100_000_000n, "Alice's X-BTC in her balance");
    // Relayed transfers then wait in the mempool for a block, as Bitcoin payments do.
    await evm.setAutomine(false);

    const btc: PaymentRound = {
      payer: alice,
      payee: bob,
      currency: BTC,
      amount: 100_000n,
      mine: async () => void (await regtest.mine(1)),
      feeOf: async (txid) => {
        const transaction = parseTransaction(hex.decode(await regtest.rpc<string>('getrawtransaction', [txid, false])));
        const spent = await Promise.all(
          transaction.inputs.map(async ({ txid: input, vout }) => {
            const raw = await regtest.rpc<string>('getrawtransaction', [input, false]);
            return BigInt(parseTransaction(hex.decode(raw)).outputs[vout]!.valueSat);
          }),
        );
        const paidOut = transaction.outputs.reduce((sum, { valueSat }) => sum + BigInt(valueSat), 0n);
        return spent.reduce((sum, value) => sum + value, 0n) - paidOut;
      },
    };
    const gasUsed: bigint[] = [];
    const xbtc: PaymentRound = {
      ...btc,
      currency: XBTC,
      mine: () => evm.mine(1),
      // The relayer's fee is the one transfer of the transaction that is not the payment.
      feeOf: async (hash, amount) => {
        const receipt = await evm.client.getTransactionReceipt({ hash: hash as Hash });
        gasUsed.push(receipt.gasUsed);
        const logs = await evm.client.getContractEvents({
          address: evm.token,
          abi: XBTC_ABI,
          eventName: 'Transfer',
          blockHash: receipt.blockHash,
        });
        const ours = logs.filter((log) => log.transactionHash === hash).map((log) => log.args.value ?? 0n);
        return ours.reduce((sum, value) => sum + value, 0n) - amount;
      },
    };

    const timings: Record<'BTC' | 'X-BTC', PaymentTiming[]> = { BTC: [], 'X-BTC': [] };
    for (let round = 0; round < rounds; round += 1) {
      // Interleaved, so that the machine's load falls on both alike.
      timings.BTC.push(await timePayment(btc));
      timings['X-BTC'].push(await timePayment(xbtc));
      process.stderr.write(`round ${round + 1}/${rounds}\n`);
    }
    const gasPrice = await evm.client.getGasPrice();
    console.log(comparisonTable(timings));
    // The first transfer to an address pays for a new storage slot; later ones do not.
    const gas = gasUsed.map(Number);
    console.log(
      `\nX-BTC relay: ${gas.join(', ')} gas by round (median ${percentile(gas, 0.5)}); gas price on the local chain now ${gasPrice} wei`,
    );
    console.log(JSON.stringify({ rounds, gasUsed: gasUsed.map(Number), gasPriceWei: Number(gasPrice), timings }, null, 2));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await stack.release();
    await evm.close();
    await regtest.close();
  }
}

function comparisonTable(timings: Record<string, PaymentTiming[]>): string {
  const median = (values: number[]) => percentile(values, 0.5);
  const row = (cells: (string | number)[]) =>
    cells.map((cell, index) => String(cell)[index === 0 ? 'padEnd' : 'padStart'](index === 0 ? 8 : 22)).join(' ');
  return [
    'medians over the rounds',
    row(['currency', 'fee (sat)', 'pay returns (ms)', 'payee sees pending (ms)', 'block → confirmed (ms)']),
    ...Object.entries(timings).map(([currency, runs]) =>
      row([
        currency,
        median(runs.map((run) => run.feeSat)),
        Math.round(median(runs.map((run) => run.payMs))),
        Math.round(median(runs.map((run) => run.seenMs))),
        Math.round(median(runs.map((run) => run.confirmedMs))),
      ]),
    ),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
