import type { LoadDevice } from '../generator/load-account';
import { LoadConnection } from '../generator/load-connection';
import { loginMany } from '../generator/load-fleet';
import type { LoopbackAddresses } from '../generator/loopback-addresses';

/** Opens a socket of `device` from its own source address, as a separate client would. */
export async function connectDevice(
  serverUrl: string,
  device: LoadDevice,
  addresses: LoopbackAddresses,
  receive = true,
): Promise<LoadConnection> {
  const connection = new LoadConnection({ serverUrl, device, localAddress: addresses.take(), receive });
  await connection.open();
  return connection;
}

/** Registers `count` fresh accounts, as an attacker may at no cost, each with one open socket. */
export async function freshAccounts(serverUrl: string, count: number, addresses: LoopbackAddresses): Promise<LoadConnection[]> {
  return Promise.all((await loginMany(serverUrl, count)).map((device) => connectDevice(serverUrl, device, addresses)));
}
