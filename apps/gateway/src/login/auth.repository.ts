import { callGrpc } from '@coming/grpc';
import type { auth } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectAuthClient } from '../backends';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

/** The auth service, as the gateway reaches it over gRPC. */
@Injectable()
export class AuthRepository {
  constructor(
    @InjectAuthClient() private readonly client: auth.AuthServiceClient,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
  ) {}

  createChallenge(request: auth.CreateChallengeRequest) {
    return callGrpc(this.client.createChallenge(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  login(request: auth.LoginRequest) {
    return callGrpc(this.client.login(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  refresh(request: auth.RefreshRequest) {
    return callGrpc(this.client.refresh(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  /** Makes a device a recipient once its keys are published; idempotent. */
  async markDeviceReady(accountId: string, deviceId: number): Promise<void> {
    await callGrpc(this.client.markDeviceReady({ accountId, deviceId }), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  /** The account's recipient device IDs, or null when there is no such account. */
  async devicesOf(accountId: string): Promise<number[] | null> {
    const response = await callGrpc(this.client.getDevices({ accountId }), this.config.GATEWAY_GRPC_DEADLINE_MS);
    return response.devices?.deviceIds ?? null;
  }
}
