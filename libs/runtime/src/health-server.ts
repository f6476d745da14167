import { processTelemetry } from '@coming/telemetry';
import { HttpException } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HealthController } from './health.module';

/**
 * The health port: /healthz, /readyz and /metrics on a listener of their own, apart from
 * any client or gRPC port, so that exposing the client port never exposes metrics.
 */
export async function startHealthServer(health: HealthController, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    // A probe that cannot be answered is a failed probe, never a crashed process.
    answer(health, request, response).catch(() => {
      if (!response.headersSent) json(response, 500, { status: 'error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export async function stopHealthServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function answer(health: HealthController, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET') return json(response, 405, { error: 'GET only' });
  switch (path) {
    case '/healthz':
      return json(response, 200, health.live());
    case '/readyz':
      try {
        return json(response, 200, await health.ready());
      } catch (error) {
        if (error instanceof HttpException) return json(response, error.getStatus(), error.getResponse());
        throw error;
      }
    case '/metrics': {
      const telemetry = processTelemetry();
      if (telemetry !== undefined) return telemetry.serveMetrics(request, response);
      return json(response, 404, { error: 'telemetry is not started in this process' });
    }
    default:
      return json(response, 404, { error: `no ${path} here; this port serves /healthz, /readyz and /metrics` });
  }
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
