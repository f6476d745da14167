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

  uploadKeys(request: keys.UploadKeysRequest): Promise<keys.UploadKeysResponse> {
    return this.preKeysService.upload(request).catch((error: unknown) => {
      const reason = error instanceof PreKeysError ? rejectionOf(error.code) : undefined;
      if (reason === undefined) return mapPreKeysError(error);
      return { rejected: { reason, message: (error as PreKeysError).message } };
    });
  }

  getPreKeyCount(request: keys.GetPreKeyCountRequest) {
    return this.preKeysService.count(request).catch(mapPreKeysError);
  }

  getPreKeyBundles(request: keys.GetPreKeyBundlesRequest): Promise<keys.GetPreKeyBundlesResponse> {
    return this.preKeysService.bundles(request).catch((error: unknown) => {
      if (error instanceof PreKeysError && error.rateLimit !== undefined) return { rateLimited: error.rateLimit };
      return mapPreKeysError(error);
    });
  }
}

/** The refusals an uploading device is told about in the response; the rest are statuses. */
function rejectionOf(code: PreKeysErrorCode): keys.UploadRejection | undefined {
  switch (code) {
    case PreKeysErrorCode.BadSignature:
      return keys.UploadRejection.UPLOAD_REJECTION_BAD_SIGNATURE;
    case PreKeysErrorCode.NoIdentityKey:
      return keys.UploadRejection.UPLOAD_REJECTION_NO_IDENTITY_KEY;
    case PreKeysErrorCode.InvalidArgument:
    case PreKeysErrorCode.RateLimited:
      return undefined;
    default:
      return assertUnreachable(code);
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
