import { LOCAL_XBTC_ADDRESS, XBTC_ABI, XBTC_BYTECODE } from '@coming/xbtc';
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Address, createPublicClient, createWalletClient, type Hex, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { LOCAL_BRIDGE_KEY, localEvmChain } from './local-chain';

export interface EvmDevnetOptions {
  /** JSON-RPC port on 127.0.0.1. */
  port: number;
}

export interface EvmDevnet {
  rpcUrl: string;
  chainId: number;
  /** The X-BTC token, deployed by the bridge stand-in at LOCAL_XBTC_ADDRESS. */
  token: Address;
  /** The bridge stand-in: the token's owner, the only one who mints. */
  bridge: Address;
  /** A client of the chain for reads. */
  client: PublicClient;
  /** Mints `units` X-BTC satoshis to `to`, as the bridge does against locked BTC; returns the transaction hash once mined. */
  mint(to: Address, units: bigint): Promise<Hex>;
  /** Mines `count` blocks, the first taking what waits in the mempool. */
  mine(count: number): Promise<void>;
  /**
   * On (from the start), every transaction is mined at once into its own block; off, it
   * waits in the mempool for `mine`, as on a chain with a block interval.
   */
  setAutomine(on: boolean): Promise<void>;
  /** Sets an address's native (gas) balance, in wei: how a test funds a relayer, or empties it. */
  setNativeBalance(address: Address, wei: bigint): Promise<void>;
  /** The chain state now, to go back to with `revert`: a reorganisation, for the followers of the chain. */
  snapshot(): Promise<Hex>;
  revert(snapshot: Hex): Promise<void>;
  close(): Promise<void>;
}

const require = createRequire(__filename);
const HARDHAT_CLI = require.resolve('hardhat/internal/cli/cli.js');
// hardhat runs only from a project that has it installed: this library's folder, with its config.
const PROJECT = join(dirname(__filename), '..');
const READY = 'Started HTTP and WebSocket JSON-RPC server';

/**
 * A real EVM chain on loopback, hardhat's in-memory network served by `hardhat node` in a
 * child process (about 100 MB), with X-BTC deployed. Every transaction is mined at once into
 * its own block unless `setAutomine(false)`; `mine`, `snapshot` and `revert` move the chain
 * on or back.
 */
export async function startEvmDevnet({ port }: EvmDevnetOptions): Promise<EvmDevnet> {
  const child = spawn(
    process.execPath,
    [HARDHAT_CLI, 'node', '--config', 'hardhat.config.cjs', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: PROJECT, env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await ready(child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = localEvmChain(rpcUrl);
  const client = createPublicClient({ chain, transport: http(rpcUrl) });
  const bridge = privateKeyToAccount(LOCAL_BRIDGE_KEY);
  const wallet = createWalletClient({ account: bridge, chain, transport: http(rpcUrl) });
  const rpc = <Result>(method: string, params: unknown[]) =>
    client.request({ method: method as 'eth_chainId', params: params as never }) as unknown as Promise<Result>;
  const stop = () => stopProcess(child);
  try {
    const deployment = await wallet.deployContract({ abi: XBTC_ABI, bytecode: XBTC_BYTECODE, args: [bridge.address] });
    const { contractAddress } = await client.waitForTransactionReceipt({ hash: deployment });
    if (contractAddress?.toLowerCase() !== LOCAL_XBTC_ADDRESS.toLowerCase()) {
      throw new Error(`X-BTC was deployed at ${contractAddress}, not at ${LOCAL_XBTC_ADDRESS}: the chain was not fresh`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    rpcUrl,
    chainId: chain.id,
    token: LOCAL_XBTC_ADDRESS,
    bridge: bridge.address,
    client,
    mint: async (to, units) => {
      const hash = await wallet.writeContract({ address: LOCAL_XBTC_ADDRESS, abi: XBTC_ABI, functionName: 'mint', args: [to, units] });
      await client.waitForTransactionReceipt({ hash });
      return hash;
    },
    mine: (count) => rpc('hardhat_mine', [`0x${count.toString(16)}`]),
    setAutomine: (on) => rpc('evm_setAutomine', [on]),
    setNativeBalance: (address, wei) => rpc('hardhat_setBalance', [address, `0x${wei.toString(16)}`]),
    snapshot: () => rpc<Hex>('evm_snapshot', []),
    revert: async (snapshot) => {
      if (!(await rpc<boolean>('evm_revert', [snapshot]))) throw new Error(`no snapshot ${snapshot} to go back to`);
    },
    close: stop,
  };
}

/** Resolves once the node says it serves; fails with its output if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) {
        // Its account list and request log are not needed; reading on keeps the pipe from filling.
        child.stdout?.off('data', onData).resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`hardhat node exited (${code}) before serving: ${output.slice(-2_000)}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
