import { PROTO_ROOT } from '@coming/proto';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { join } from 'node:path';
import type { GrpcServiceDefinition } from './grpc-services';

// Matches ts-proto's output: camelCase fields, numbers for 64-bit integers and enums.
const loaderOptions = {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

const loaded = new Map<string, PackageDefinition>();

/**
 * A service's package definition, loaded once per process, for its server and its
 * clients alike. The loader's protobufjs decoder turns an absent message field into
 * `null`, where the ts-proto types every controller and client is written against say
 * `undefined` (and ts-proto's encoders crash on `null`). So every deserializer is wrapped
 * to hand over what the types promise: a request without a signed prekey, or a bundle
 * without a one-time prekey, arrives with that field undefined.
 */
export function packageDefinitionOf(definition: GrpcServiceDefinition): PackageDefinition {
  const cached = loaded.get(definition.protoPath);
  if (cached !== undefined) return cached;
  const packageDefinition = loadSync(join(PROTO_ROOT, definition.protoPath), loaderOptions);
  for (const entry of Object.values(packageDefinition)) {
    if ('format' in entry) continue; // a message or enum type, not a service
    for (const method of Object.values(entry)) {
      const { requestDeserialize, responseDeserialize } = method;
      method.requestDeserialize = (bytes) => withoutNulls(requestDeserialize(bytes));
      method.responseDeserialize = (bytes) => withoutNulls(responseDeserialize(bytes));
    }
  }
  loaded.set(definition.protoPath, packageDefinition);
  return packageDefinition;
}

/** Replaces every `null` in a freshly decoded message with `undefined`, in place. */
export function withoutNulls<Value>(value: Value): Value {
  if (Array.isArray(value)) {
    for (const item of value) withoutNulls(item);
  } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (record[key] === null) record[key] = undefined;
      else withoutNulls(record[key]);
    }
  }
  return value;
}
