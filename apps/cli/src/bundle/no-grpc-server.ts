// What `@nestjs/microservices` resolves to in the bundled CLI (see bundle.mjs): the
// generated protocol modules import these decorators for the services' controllers,
// which a client never declares.
function serverOnly(): never {
  throw new Error('gRPC controllers are not part of the coming CLI');
}

export const GrpcMethod = serverOnly;
export const GrpcStreamMethod = serverOnly;
