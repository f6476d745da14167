import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { keys } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { PreKeysError, PreKeysErrorCode } from './pre-keys/pre-keys.errors';
import { PreKeysService } from './pre-keys/pre-keys.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@keys.KeysServiceControllerMethods()
export class KeysGrpcController implements keys.KeysServiceController {
  constructor(private readonly preKeysService: PreKeysService) {}

  uploadKeys(request: keys.UploadKeysRequest) {
    return this.preKeysService.upload(request).catch(mapPreKeysError);
  }

  getPreKeyCount(request: keys.GetPreKeyCountRequest) {
    return this.preKeysService.count(request).catch(mapPreKeysError);
  }

  getPreKeyBundles(request: keys.GetPreKeyBundlesRequest) {
    return this.preKeysService.bundles(request).catch(mapPreKeysError);
  }
}

const mapPreKeysError = domainErrorMapper(PreKeysError, statusOf);

function statusOf(code: PreKeysErrorCode): GrpcStatus {
  switch (code) {
    case PreKeysErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case PreKeysErrorCode.BadSignature:
      return GrpcStatus.PERMISSION_DENIED;
    case PreKeysErrorCode.NoIdentityKey:
      return GrpcStatus.FAILED_PRECONDITION;
    case PreKeysErrorCode.RateLimited:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    default:
      return assertUnreachable(code);
  }
}
