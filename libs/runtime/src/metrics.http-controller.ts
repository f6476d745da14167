import { processTelemetry } from '@coming/telemetry';
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Prometheus scrapes every metric of this process here. */
@Controller()
export class MetricsHttpController {
  @Get('metrics')
  scrape(@Req() request: IncomingMessage, @Res() response: ServerResponse) {
    const telemetry = processTelemetry();
    if (telemetry !== undefined) {
      telemetry.serveMetrics(request, response);
      return;
    }
    response.statusCode = 404;
    response.end('telemetry is not started in this process\n');
  }
}
