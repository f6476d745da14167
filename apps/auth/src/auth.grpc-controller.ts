import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { auth } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { AccountsError, AccountsErrorCode } from './accounts/accounts.errors';
import { AccountsService } from './accounts/accounts.service';
import { DevicesError, DevicesErrorCode } from './devices/devices.errors';
import { DevicesService } from './devices/devices.service';
import { LoginError, LoginErrorCode } from './login/login.errors';
import { LoginService } from './login/login.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@auth.AuthServiceControllerMethods()
export class AuthGrpcController implements auth.AuthServiceController {
  constructor(
    private readonly loginService: LoginService,
    private readonly accountsService: AccountsService,
    private readonly devicesService: DevicesService,
  ) {}

  createChallenge(request: auth.CreateChallengeRequest) {
    return this.loginService.createChallenge(request).catch(mapLoginError);
  }

  login(request: auth.LoginRequest) {
    return this.loginService.login(request).catch(mapLoginError);
  }

  refresh(request: auth.RefreshRequest) {
    return this.loginService.refresh(request).catch(mapLoginError);
  }

  getDevices(request: auth.GetDevicesRequest) {
    return this.accountsService.getDevices(request).catch(mapAccountsError);
  }

  markDeviceReady(request: auth.MarkDeviceReadyRequest) {
    return this.accountsService.markDeviceReady(request).catch(mapAccountsError);
  }

  listDevices(request: auth.ListDevicesRequest) {
    return this.devicesService.list(request).catch(mapDevicesError);
  }

  removeDevice(request: auth.RemoveDeviceRequest) {
    return this.devicesService.remove(request).catch(mapDevicesError);
  }

  setDeviceName(request: auth.SetDeviceNameRequest) {
    return this.devicesService.setName(request).catch(mapDevicesError);
  }
}

const mapLoginError = domainErrorMapper(LoginError, loginStatusOf);
const mapAccountsError = domainErrorMapper(AccountsError, accountsStatusOf);
const mapDevicesError = domainErrorMapper(DevicesError, devicesStatusOf);

function loginStatusOf(code: LoginErrorCode): GrpcStatus {
  switch (code) {
    case LoginErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    default:
      return assertUnreachable(code);
  }
}

function accountsStatusOf(code: AccountsErrorCode): GrpcStatus {
  switch (code) {
    case AccountsErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case AccountsErrorCode.DeviceNotFound:
      return GrpcStatus.NOT_FOUND;
    default:
      return assertUnreachable(code);
  }
}

function devicesStatusOf(code: DevicesErrorCode): GrpcStatus {
  switch (code) {
    case DevicesErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    case DevicesErrorCode.DeviceNotFound:
      return GrpcStatus.NOT_FOUND;
    default:
      return assertUnreachable(code);
  }
}
