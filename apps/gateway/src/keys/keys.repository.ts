import { callGrpc } from '@coming/grpc';
import type { keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectKeysClient } from '../backends';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

/** The key directory, as the gateway reaches it over gRPC. */
@Injectable()
export class KeysRepository {
  constructor(
    @InjectKeysClient() private readonly client: keys.KeysServiceClient,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
  ) {}

  upload(request: keys.UploadKeysRequest) {
    return callGrpc(this.client.uploadKeys(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  count(request: keys.GetPreKeyCountRequest) {
    return callGrpc(this.client.getPreKeyCount(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  bundles(request: keys.GetPreKeyBundlesRequest) {
    return callGrpc(this.client.getPreKeyBundles(request), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }
}
