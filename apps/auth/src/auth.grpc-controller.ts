import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { auth } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { LoginError, LoginErrorCode } from './login/login.errors';
import { LoginService } from './login/login.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@auth.AuthServiceControllerMethods()
export class AuthGrpcController implements auth.AuthServiceController {
  constructor(
    private readonly loginService: LoginService,
    private readonly accountsService: AccountsService,
  ) {}

  createChallenge(request: auth.CreateChallengeRequest) {
    return this.loginService.createChallenge(request.clientIp).catch(mapLoginError);
  }

  login(request: auth.LoginRequest) {
    return this.loginService.login(request).catch(mapLoginError);
  }

  refresh(request: auth.RefreshRequest) {
    return this.loginService.refresh(request).catch(mapLoginError);
  }

  getDevices(request: auth.GetDevicesRequest) {
    return this.accountsService.getDevices(request.accountId);
  }
}

const mapLoginError = domainErrorMapper(LoginError, statusOf);

function statusOf(code: LoginErrorCode): GrpcStatus {
  switch (code) {
    case LoginErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case LoginErrorCode.ChallengeRejected:
    case LoginErrorCode.BadSignature:
    case LoginErrorCode.RefreshTokenRejected:
      return GrpcStatus.UNAUTHENTICATED;
    case LoginErrorCode.RateLimited:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case LoginErrorCode.TooManyDevices:
      return GrpcStatus.FAILED_PRECONDITION;
    default:
      return assertUnreachable(code);
  }
}
