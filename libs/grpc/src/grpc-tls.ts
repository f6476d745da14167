import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';

/** PEM files for mutual TLS between services; every server and client of a deployment uses the same CA. */
export interface GrpcTls {
  /** The CA that signed every service's certificate. */
  caFile: string;
  /** This service's certificate (chain), presented as server and as client. */
  certFile: string;
  keyFile: string;
  /** The name clients expect in servers' certificates, when it is not the target's host name. */
  serverName?: string | undefined;
}

/** Servers ask for a client certificate signed by the CA and refuse connections without one. */
export function serverCredentialsOf(tls: GrpcTls): ServerCredentials {
  return ServerCredentials.createSsl(
    readFileSync(tls.caFile),
    [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }],
    true,
  );
}

export function channelCredentialsOf(tls: GrpcTls): ChannelCredentials {
  return ChannelCredentials.createSsl(readFileSync(tls.caFile), readFileSync(tls.keyFile), readFileSync(tls.certFile));
}

/** Channel options that make clients check servers' certificates for `serverName`. */
export function tlsChannelOptions(tls: GrpcTls | undefined): Record<string, string> {
  return tls?.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName };
}

/** The process's gRPC TLS settings, injected where gRPC clients are made. */
export abstract class GrpcTlsFiles {
  abstract readonly tls: GrpcTls | undefined;
}
