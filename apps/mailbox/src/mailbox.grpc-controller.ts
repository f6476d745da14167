import { assertUnreachable } from '@coming/errors';
import { domainErrorMapper, GrpcExceptionFilter, GrpcStatus } from '@coming/grpc';
import { mailbox } from '@coming/proto';
import { Controller, UseFilters } from '@nestjs/common';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes/envelopes.errors';
import { EnvelopesService } from './envelopes/envelopes.service';

@Controller()
@UseFilters(GrpcExceptionFilter)
@mailbox.MailboxServiceControllerMethods()
export class MailboxGrpcController implements mailbox.MailboxServiceController {
  constructor(private readonly envelopesService: EnvelopesService) {}

  enqueue(request: mailbox.EnqueueRequest) {
    return this.envelopesService.enqueue(request.envelope).catch(mapEnvelopesError);
  }

  fetch(request: mailbox.FetchRequest) {
    return this.envelopesService.fetch(request).catch(mapEnvelopesError);
  }

  ack(request: mailbox.AckRequest) {
    return this.envelopesService.ack(request).catch(mapEnvelopesError);
  }
}

const mapEnvelopesError = domainErrorMapper(EnvelopesError, statusOf);

function statusOf(code: EnvelopesErrorCode): GrpcStatus {
  switch (code) {
    case EnvelopesErrorCode.InvalidArgument:
      return GrpcStatus.INVALID_ARGUMENT;
    default:
      return assertUnreachable(code);
  }
}
