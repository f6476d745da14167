// `npm run evm`: a local EVM chain (hardhat's) on 127.0.0.1 with X-BTC deployed, for local
// use and the README walkthrough, until Ctrl-C. The chain lives in memory. `npm run -s evm --
// mint ADDRESS AMOUNT` asks the running chain's bridge stand-in to mint AMOUNT X-BTC (a
// decimal, like the CLI's amounts) to ADDRESS, as the bridge would against locked BTC.
import { LOCAL_BRIDGE_KEY, localEvmChain, startEvmDevnet } from '@coming/evm-devnet';
import { LOCAL_EVM_PORT, LOCAL_XBTC_ADDRESS, XBTC_ABI } from '@coming/xbtc';
import { parseArgs } from 'node:util';
import { closeOnSignal } from './close-on-signal';
import { createWalletClient, http, isAddress, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: String(LOCAL_EVM_PORT) } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error('--port takes a port from 1 to 65535');
  const [command, ...rest] = positionals;
  if (command === 'mint') return mint(port, rest);
  if (command !== undefined) throw new Error(`unknown command "${command}": run without one to start the chain, or "mint ADDRESS AMOUNT"`);
  const chain = await startEvmDevnet({ port });
  console.error(`local EVM chain at ${chain.rpcUrl} (chain ID ${chain.chainId}), X-BTC at ${chain.token}; Ctrl-C stops it`);
  closeOnSignal(() => chain.close());
}

/** Mints through the running chain's JSON-RPC, as the bridge would. */
async function mint(port: number, [address, amount]: string[]) {
  if (address === undefined || !isAddress(address)) throw new Error(`"${address ?? ''}" is not an EVM address (0x and 40 hex digits)`);
  if (amount === undefined || !/^\d+(\.\d{1,8})?$/.test(amount))
    throw new Error(`"${amount ?? ''}" is not an X-BTC amount (at most 8 decimals)`);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const wallet = createWalletClient({
    account: privateKeyToAccount(LOCAL_BRIDGE_KEY),
    chain: localEvmChain(rpcUrl),
    transport: http(rpcUrl),
  });
  const hash = await wallet
    .writeContract({ address: LOCAL_XBTC_ADDRESS, abi: XBTC_ABI, functionName: 'mint', args: [address, parseUnits(amount, 8)] })
    .catch((error: unknown) => {
      throw new Error(
        `no local EVM chain with X-BTC answers on port ${port} (start one with "npm run evm"): ${(error as Error).message.split('\n')[0]}`,
      );
    });
  console.log(hash);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
