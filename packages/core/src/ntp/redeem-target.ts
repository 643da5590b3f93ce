import { invalidArgument } from '../errors.js';
import { BASE58_ALPHABET, checkId } from '../ids.js';
import type { ResolvedOptions } from '../options.js';
import { claimedKeyId, looksSigned, verifySignedCode } from '../signing.js';

/*
 * Which ticket a redemption names (SPEC §3.3): an `issuer` path, a
 * `tenantId` (with or without `ntpId`), or a signed token alone.
 */

/** The ticket a redemption is about, once the signature (if any) is verified. */
export interface RedeemTarget {
  readonly tenantId: string;
  /** Absent: look the code up among all the tenant's instances. */
  readonly ntpId: string | undefined;
  readonly code: string;
  readonly signed: boolean;
  /**
   * Known not to match any ticket without reading one: a signed token for
   * another tenant or instance than the one named, or a code outside the
   * alphabet. Still `INVALID_CODE` only after the throttle check, like any
   * unknown code.
   */
  readonly hopeless: boolean;
}

/** A target, or `ok: false` for a signed token that does not verify. */
export type TargetResolution = { readonly ok: true; readonly target: RedeemTarget } | { readonly ok: false };

const CODE = new RegExp(`^[${BASE58_ALPHABET}]{4,32}$`);
const ISSUER = /^\/otp\/ntp\/([^/]+)(?:\/([^/]+))?\/?$/;

interface Named {
  readonly issuer?: string | undefined;
  readonly tenantId?: string | undefined;
  readonly ntpId?: string | undefined;
  readonly code: string;
}

/**
 * Resolves what a redemption names. Throws `INVALID_ARGUMENT` for a malformed
 * request; a signed token that does not verify resolves to `{ ok: false }`
 * before any store is touched.
 */
export function resolveTarget(operation: string, input: Named, options: ResolvedOptions): TargetResolution {
  let { tenantId, ntpId } = input;
  if (input.issuer !== undefined) {
    if (tenantId !== undefined || ntpId !== undefined) throw invalidArgument(operation, 'issuer', 'cannot be combined with tenantId or ntpId');
    ({ tenantId, ntpId } = parseIssuer(operation, input.issuer));
  }
  if (ntpId !== undefined && tenantId === undefined) throw invalidArgument(operation, 'tenantId', 'is required with ntpId');
  if (!looksSigned(input.code)) {
    if (tenantId === undefined) throw invalidArgument(operation, 'tenantId', 'is required (or issuer, or a signed token)');
    return { ok: true, target: { tenantId, ntpId, code: input.code, signed: false, hopeless: !CODE.test(input.code) } };
  }
  const kid = claimedKeyId(input.code);
  const key = kid === null ? undefined : options.verifyKeys.get(kid ?? '');
  const payload = key === undefined ? null : verifySignedCode(input.code, key);
  if (payload === null) return { ok: false };
  const hopeless = (tenantId !== undefined && tenantId !== payload.tenantId) || (ntpId !== undefined && ntpId !== payload.ntpId);
  return {
    ok: true,
    target: { tenantId: tenantId ?? payload.tenantId, ntpId: ntpId ?? payload.ntpId, code: payload.code, signed: true, hopeless },
  };
}

/** `"/otp/ntp/<tenantId>[/<ntpId>]"`, segments URL-encoded. */
function parseIssuer(operation: string, issuer: string): { tenantId: string; ntpId: string | undefined } {
  const match = ISSUER.exec(issuer);
  if (!match) throw invalidArgument(operation, 'issuer', 'must be "/otp/ntp/<tenantId>" or "/otp/ntp/<tenantId>/<ntpId>"');
  const decode = (segment: string): string => {
    try {
      return checkId(decodeURIComponent(segment), operation, 'issuer');
    } catch {
      throw invalidArgument(operation, 'issuer', 'must hold URL-encoded ids of 1 to 256 characters');
    }
  };
  return { tenantId: decode(match[1] ?? ''), ntpId: match[2] === undefined ? undefined : decode(match[2]) };
}
