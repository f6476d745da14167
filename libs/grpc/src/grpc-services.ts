import { auth, keys, mailbox, payments } from '@coming/proto';

/** What the gRPC loader needs to serve or call one of our services. */
export interface GrpcServiceDefinition {
  package: string;
  protoPath: string;
  service: string;
}

export const grpcServices = {
  auth: { package: auth.COMING_AUTH_V1_PACKAGE_NAME, protoPath: 'coming/auth/v1/auth.proto', service: auth.AUTH_SERVICE_NAME },
  keys: { package: keys.COMING_KEYS_V1_PACKAGE_NAME, protoPath: 'coming/keys/v1/keys.proto', service: keys.KEYS_SERVICE_NAME },
  mailbox: {
    package: mailbox.COMING_MAILBOX_V1_PACKAGE_NAME,
    protoPath: 'coming/mailbox/v1/mailbox.proto',
    service: mailbox.MAILBOX_SERVICE_NAME,
  },
  payments: {
    package: payments.COMING_PAYMENTS_V1_PACKAGE_NAME,
    protoPath: 'coming/payments/v1/payments.proto',
    service: payments.PAYMENTS_SERVICE_NAME,
  },
} satisfies Record<string, GrpcServiceDefinition>;

/** Metadata key carrying the calling service's own token on every internal call. */
export const SERVICE_TOKEN_METADATA_KEY = 'x-coming-service-token';
