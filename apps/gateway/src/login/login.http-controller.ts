import { GrpcCallError, GrpcStatus } from '@coming/grpc';
import { auth, CHALLENGE_BYTES, MAX_DEVICE_ID, SCHNORR_SIGNATURE_BYTES } from '@coming/proto';
import { Body, Controller, HttpCode, HttpException, HttpStatus, Ip, Post } from '@nestjs/common';
import { z } from 'zod';
import { AuthRepository } from './auth.repository';

const base64 = (bytes: number, field: string) =>
  z
    .string()
    .transform((value) => Buffer.from(value, 'base64'))
    .refine((value) => value.length === bytes, `${field} must be ${bytes} bytes in base64`);

const loginBody = z.object({
  accountId: z.string().min(1).max(100),
  deviceId: z.number().int().min(0).max(MAX_DEVICE_ID),
  challenge: base64(CHALLENGE_BYTES, 'challenge'),
  signature: base64(SCHNORR_SIGNATURE_BYTES, 'signature'),
});

const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) });

/**
 * Login over plain HTTP, before a WebSocket can be opened: JSON in, the proto3 JSON
 * form of auth's responses out (bytes as base64, 64-bit numbers as strings).
 */
@Controller('v1/auth')
export class LoginHttpController {
  constructor(private readonly auth: AuthRepository) {}

  @Post('challenge')
  @HttpCode(HttpStatus.OK)
  async challenge(@Ip() clientIp: string) {
    return auth.CreateChallengeResponse.toJSON(await this.auth.createChallenge({ clientIp }).catch(toHttpError));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(@Body() body: unknown, @Ip() clientIp: string) {
    const request = parse(loginBody, body);
    return auth.LoginResponse.toJSON(await this.auth.login({ ...request, clientIp }).catch(toHttpError));
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  async refresh(@Body() body: unknown, @Ip() clientIp: string) {
    const request = parse(refreshBody, body);
    return auth.RefreshResponse.toJSON(await this.auth.refresh({ ...request, clientIp }).catch(toHttpError));
  }
}

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new HttpException({ error: { code: 'INVALID_ARGUMENT', message: problems } }, HttpStatus.BAD_REQUEST);
}

function toHttpError(error: unknown): never {
  if (!(error instanceof GrpcCallError)) throw error;
  const [httpStatus, code] = httpStatusOf(error.code);
  throw new HttpException({ error: { code, message: error.message } }, httpStatus);
}

function httpStatusOf(status: GrpcStatus): [HttpStatus, string] {
  switch (status) {
    case GrpcStatus.INVALID_ARGUMENT:
      return [HttpStatus.BAD_REQUEST, 'INVALID_ARGUMENT'];
    case GrpcStatus.UNAUTHENTICATED:
      return [HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED'];
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return [HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED'];
    case GrpcStatus.FAILED_PRECONDITION:
      return [HttpStatus.CONFLICT, 'FAILED_PRECONDITION'];
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
      return [HttpStatus.SERVICE_UNAVAILABLE, 'UNAVAILABLE'];
    default:
      return [HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL'];
  }
}
