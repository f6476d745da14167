import { callGrpc } from '@coming/grpc';
import type { auth } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectAuthClient } from '../backends/backend-clients';
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
}
