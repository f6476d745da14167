import { z } from 'zod';
import type { SmsPart } from '../../sms-part';
import { checkPartSize } from '../sms-part-size';

/*
 * The JSON both directions use, one message (or any run of its parts) a request:
 *
 *   { "to": "+4915550002", "from": "+4915550001",
 *     "parts": [ { "udh": "0003070201", "coding": "gsm7", "text": "%Cm1…" },
 *                { "udh": null, "coding": "binary", "hex": "c04d01…" } ] }
 *
 * Outgoing, `from` is optional (the account's own number when left out); incoming (the
 * webhook), `from` is the sender as the network gave it, a number or an alphanumeric name.
 * Parts keep their user data header (hex, without its length octet) and coding, so that
 * concatenated and 8-bit messages arrive as sent. An adapter for a provider with another
 * shape maps onto this one: where the provider takes `{to, from, text}` and splits itself,
 * it sends the parts' texts joined (they are one GSM 7-bit message) and turns each
 * delivered SMS into a part; where it takes a header and hex data per SMS (the usual
 * "udh"/"binary" fields), it maps part by part.
 */

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const MAX_PARTS = 255;

const partSchema = z.discriminatedUnion('coding', [
  z.object({ udh: z.string().regex(HEX).max(276).nullable(), coding: z.literal('gsm7'), text: z.string().max(160) }),
  z.object({ udh: z.string().regex(HEX).max(276).nullable(), coding: z.literal('binary'), hex: z.string().regex(HEX).max(280) }),
]);

/** What the carrier posts to the gateway. */
export const gatewayRequestSchema = z.object({
  to: z.string().max(16),
  from: z.string().max(16).optional(),
  parts: z.array(partSchema).min(1).max(MAX_PARTS),
});

/** What the gateway posts to the webhook. */
export const webhookRequestSchema = z.object({
  // A number or an alphanumeric sender's name; never control characters, which would reach logs and screens.
  from: z
    .string()
    .min(1)
    .max(32)
    .regex(/^\P{Cc}+$/u),
  to: z.string().max(16).optional(),
  parts: z.array(partSchema).min(1).max(MAX_PARTS),
});

export type SmsPartJson = z.infer<typeof partSchema>;

export function partToJson(part: SmsPart): SmsPartJson {
  const udh = part.udh ? Buffer.from(part.udh).toString('hex') : null;
  return part.body.coding === 'gsm7'
    ? { udh, coding: 'gsm7', text: part.body.text }
    : { udh, coding: 'binary', hex: Buffer.from(part.body.bytes).toString('hex') };
}

/** A part from JSON that passed the schema; one SMS must hold it, or this throws naming why. */
export function partFromJson(json: SmsPartJson): SmsPart {
  const body: SmsPart['body'] =
    json.coding === 'gsm7'
      ? { coding: 'gsm7', text: json.text }
      : { coding: 'binary', bytes: Uint8Array.from(Buffer.from(json.hex, 'hex')) };
  const part: SmsPart = json.udh ? { udh: Uint8Array.from(Buffer.from(json.udh, 'hex')), body } : { body };
  checkPartSize(part);
  return part;
}
