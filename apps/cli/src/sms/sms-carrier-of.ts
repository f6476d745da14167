import { HttpCarrier, ModemCarrier, type SmsCarrier, SmppCarrier } from '@coming/sms';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';

export const SMS_VARIABLE = 'COMING_SMS';
export const PHONE_VARIABLE = 'COMING_PHONE';
/** Where the HTTP gateway's webhook listens, `host:port` (default 127.0.0.1 and a free port). */
export const WEBHOOK_VARIABLE = 'COMING_SMS_WEBHOOK';
/** The secret the HTTP gateway presents on each webhook call: from the environment, never a command line that `ps` shows. */
export const WEBHOOK_SECRET_VARIABLE = 'COMING_SMS_WEBHOOK_SECRET';

/** Seconds without an answer from the server after which `auto` sends by SMS (default 10). */
export const OUTAGE_VARIABLE = 'COMING_SMS_OUTAGE_SECONDS';
/** `text` (GSM-safe text, the default: what phones hand to apps) or `binary` (8-bit parts, fewer of them). */
export const MODE_VARIABLE = 'COMING_SMS_MODE';

/** The SMS adapter and this device's own number, as --sms and --phone (or their variables) give them. */
export interface SmsSetting {
  url: string;
  phone: string;
}

/**
 * Opens the carrier a --sms URL names: `smpp://system_id:password@host:port` (an SMPP 3.4
 * account), `serial:///dev/ttyUSB0?mode=pdu` (a GSM modem's AT port), or `http(s)://…` (an
 * HTTP SMS gateway, its webhook listening at COMING_SMS_WEBHOOK).
 */
export function openSmsCarrier({ url, phone }: SmsSetting, env: NodeJS.ProcessEnv): Promise<SmsCarrier> {
  const scheme = /^([a-z]+):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'smpp':
      return SmppCarrier.connect({ url, ownNumber: phone });
    case 'serial':
      return ModemCarrier.open(url);
    case 'http':
    case 'https':
      return HttpCarrier.open({ gatewayUrl: url, from: phone, webhook: { ...webhookAddress(env), secret: webhookSecret(env) } });
    default:
      throw new CliError(ExitCode.Usage, `--sms takes an smpp://, serial:// or http(s):// URL, not "${url.split(':')[0] ?? ''}:…"`);
  }
}

/** How the client uses SMS beyond the carrier: the outage that turns `auto` to SMS, and the parts' coding. */
export function smsChoicesOf(env: NodeJS.ProcessEnv): { outageMs?: number; mode?: 'text' | 'binary' } {
  const outage = env[OUTAGE_VARIABLE];
  const mode = env[MODE_VARIABLE];
  if (outage !== undefined && !/^\d+(\.\d+)?$/.test(outage)) {
    throw new CliError(ExitCode.Usage, `${OUTAGE_VARIABLE} is "${outage}": give seconds, 0 or more`);
  }
  if (mode !== undefined && mode !== 'text' && mode !== 'binary') {
    throw new CliError(ExitCode.Usage, `${MODE_VARIABLE} is "${mode}": use text or binary`);
  }
  return {
    ...(outage === undefined ? {} : { outageMs: Math.round(Number(outage) * 1000) }),
    ...(mode === undefined ? {} : { mode }),
  };
}

function webhookAddress(env: NodeJS.ProcessEnv): { host: string; port: number } {
  const value = env[WEBHOOK_VARIABLE] ?? '127.0.0.1:0';
  const match = /^([^:]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (match === null || port > 65_535) throw new CliError(ExitCode.Usage, `${WEBHOOK_VARIABLE} is "${value}": give host:port`);
  return { host: match[1]!, port };
}

function webhookSecret(env: NodeJS.ProcessEnv): string {
  const secret = env[WEBHOOK_SECRET_VARIABLE];
  if (secret === undefined)
    throw new CliError(ExitCode.Usage, `an HTTP SMS gateway needs ${WEBHOOK_SECRET_VARIABLE}, the webhook's secret`);
  return secret;
}
