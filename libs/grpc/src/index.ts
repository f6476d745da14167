export * from './grpc-call';
export * from './grpc-callers';
export * from './grpc-exception.filter';
export * from './grpc-client';
export * from './grpc-server-options';
export * from './grpc-services';
export * from './grpc-tls';
export * from './service-token.guard';
