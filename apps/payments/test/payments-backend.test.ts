import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { payments } from '@coming/proto';
import { type RegtestNode, startRegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayments } from '../src/payments.app';
import { paymentsConfigSchema } from '../src/payments.config';

const DEADLINE_MS = 30_000;

describe('payments and its chain backend', () => {
  let infrastructure: TestInfrastructure;
  const nodes: RegtestNode[] = [];
  const services: StartedService[] = [];

  const configFor = async (backendUrl: string, network = 'regtest') => {
    const url = `127.0.0.1:${await findFreePorts(1)}`;
    const config = loadConfig(paymentsConfigSchema, {
      PAYMENTS_GRPC_URL: url,
      COMING_NETWORK: network,
      PAYMENTS_BACKEND_URL: backendUrl,
      PAYMENTS_POLL_INTERVAL_MS: '100',
      PAYMENTS_BACKEND_TIMEOUT_MS: '2000',
    });
    return {
      config,
      client: createGrpcClient<payments.PaymentsServiceClient>(grpcServices.payments, { url, serviceToken: infrastructure.serviceToken }),
    };
  };

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('payments-backend');
  });

  afterAll(async () => {
    for (const service of services) await service.close();
    for (const node of nodes) await node.close();
    await infrastructure.release();
  });

  it('refuses to start on a backend that follows another network, saying which', async () => {
    const node = await startRegtestNode({ port: await findFreePorts(1) });
    nodes.push(node);
    const { config } = await configFor(node.rpcUrl, 'testnet');
    await expect(startPayments(config, infrastructure)).rejects.toThrow(
      /follows regtest \(genesis block 0f9188f1.*\), but COMING_NETWORK is testnet: point PAYMENTS_BACKEND_URL at a testnet node/,
    );
  });

  it('starts while the backend is down, answers UNAVAILABLE for chain calls, and recovers once it is up', async () => {
    const port = await findFreePorts(1);
    const { config, client } = await configFor(`http://coming:regtest@127.0.0.1:${port}`);
    services.push(await startPayments(config, infrastructure));
    const down = await callGrpc(client.getFeeEstimate({ targetBlocks: 2 }), DEADLINE_MS).catch((error: unknown) => error);
    expect(down).toMatchObject({ code: GrpcStatus.UNAVAILABLE, message: expect.stringContaining('unavailable; retry later') });
    const info = await callGrpc(client.getChainInfo({}), DEADLINE_MS).catch((error: unknown) => error);
    expect(info).toMatchObject({ code: GrpcStatus.UNAVAILABLE });

    const node = await startRegtestNode({ port });
    nodes.push(node);
    await node.mine(3);
    // The watcher's next passes reach the node and catch up with its tip.
    const chainInfo = () =>
      callGrpc(client.getChainInfo({}), DEADLINE_MS).then(
        (response) => response.chain,
        () => undefined,
      );
    await expect.poll(chainInfo, { timeout: 20_000 }).toMatchObject({ backendAvailable: true, tipHeight: 3, bech32Prefix: 'rb' });
    expect(await callGrpc(client.getFeeEstimate({ targetBlocks: 2 }), DEADLINE_MS)).toMatchObject({ estimate: { fallback: true } });
  });
});
