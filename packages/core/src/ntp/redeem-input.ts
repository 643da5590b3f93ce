import type { z } from 'zod';
import { isValidId, parseInput } from '../validate.js';
import { redeemCodeSchema } from './schemas.js';

/** The options of `redeemCode` / `ntpCodeStatus` once validated. */
export type RedeemInput = z.output<typeof redeemCodeSchema>;

/**
 * Validates redeem options. The common request — ids, a code, maybe
 * `includeNtpId` — is checked by hand, since zod's object parser costs about
 * a tenth of a redemption's CPU; anything else (an email, an issuer, an
 * unknown or malformed field) goes through the schema, which also words the
 * error. Both accept exactly the same plain requests.
 */
export function parseRedeemInput(options: unknown, operation: string): RedeemInput {
  let plain: RedeemInput | undefined;
  try {
    plain = plainRedeemInput(options);
  } catch {
    // A throwing getter or proxy: the schema path reports it as INVALID_ARGUMENT.
  }
  return plain ?? parseInput(redeemCodeSchema, options, operation);
}

function plainRedeemInput(options: unknown): RedeemInput | undefined {
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  const o = options as Readonly<Record<string, unknown>>;
  for (const key in o) {
    const value = o[key];
    if (key === 'tenantId' || key === 'ntpId' || key === 'clientKey') {
      if (value !== undefined && !isValidId(value)) return undefined;
    } else if (key === 'includeNtpId') {
      if (value !== undefined && typeof value !== 'boolean') return undefined;
    } else if (key !== 'code') return undefined;
  }
  const code = o['code'];
  if (typeof code !== 'string' || code.length === 0 || code.length > 4096) return undefined;
  const input: { -readonly [K in keyof RedeemInput]: RedeemInput[K] } = { code };
  if (typeof o['tenantId'] === 'string') input.tenantId = o['tenantId'];
  if (typeof o['ntpId'] === 'string') input.ntpId = o['ntpId'];
  if (typeof o['clientKey'] === 'string') input.clientKey = o['clientKey'];
  if (typeof o['includeNtpId'] === 'boolean') input.includeNtpId = o['includeNtpId'];
  return input;
}
