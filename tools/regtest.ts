// `npm run regtest`: a bcoin regtest full node on 127.0.0.1, for local use and the README
// walkthrough, until Ctrl-C. Its chain is kept under .coming/regtest (--memory keeps it in
// memory only). `npm run -s regtest -- mine N [ADDRESS]` asks the running node to mine N
// blocks, paying their coinbase to ADDRESS (a throwaway key when none is given).
import { addressOfScript, bcoinNetworks, LOCAL_REGTEST_API_KEY, LOCAL_REGTEST_PORT, scriptPubKeyOf } from '@coming/chain';
import { startRegtestNode } from '@coming/regtest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeOnSignal } from './close-on-signal';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: String(LOCAL_REGTEST_PORT) },
      memory: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port >= 32_768) throw new Error('--port takes a port from 1 to 32767');
  const [command, ...rest] = positionals;
  if (command === 'mine') return mine(port, rest);
  if (command !== undefined) throw new Error(`unknown command "${command}": run without one to start the node, or "mine N [ADDRESS]"`);
  const dataDir = values.memory ? undefined : join(process.cwd(), '.coming', 'regtest');
  const node = await startRegtestNode({ port, dataDir });
  console.error(`bcoin regtest node at ${node.rpcUrl} (height ${node.height()}, ${dataDir ?? 'in memory'}); Ctrl-C stops it`);
  closeOnSignal(() => node.close());
}

/** Asks the running node over JSON-RPC, as any client would. */
async function mine(port: number, [count, address]: string[]) {
  const blocks = Number(count);
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 10_000) throw new Error('mine takes a number of blocks from 1 to 10000');
  // Checked here so that an address of another network is named as such (bcoin says only "Invalid address.").
  if (address !== undefined) scriptPubKeyOf(address, bcoinNetworks.regtest);
  // bcoin's `generate` needs a wallet this node runs without: a throwaway address stands in.
  const payee = address ?? addressOfScript(`0014${randomBytes(20).toString('hex')}`, bcoinNetworks.regtest);
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`coming:${LOCAL_REGTEST_API_KEY}`).toString('base64')}` },
    body: JSON.stringify({ method: 'generatetoaddress', params: [blocks, payee] }),
  }).catch(() => {
    throw new Error(`no regtest node answers on port ${port}: start one with "npm run regtest"`);
  });
  const { result, error } = (await response.json()) as { result: string[] | null; error: { message: string } | null };
  if (error !== null) throw new Error(`the node refused: ${error.message}`);
  console.log((result ?? []).at(-1) ?? '');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
