import type { keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectKeysBackend, type KeysBackend } from '../backends/backend-clients';

/** The key directory, as the gateway reaches it over gRPC. */
@Injectable()
export class KeysRepository {
  constructor(@InjectKeysBackend() private readonly client: KeysBackend) {}

  upload(request: keys.UploadKeysRequest) {
    return this.client.uploadKeys(request);
  }

  count(request: keys.GetPreKeyCountRequest) {
    return this.client.getPreKeyCount(request);
  }

  bundles(request: keys.GetPreKeyBundlesRequest) {
    return this.client.getPreKeyBundles(request);
  }
}
