// Imported first by every entry point: the SDK must patch http, @grpc/grpc-js and pg before
// anything else requires them.
import { registerTelemetry } from './process-telemetry';

registerTelemetry();
