import { z } from 'zod';

/*
 * The shapes of the engine's results, as zod, so the OpenAPI document
 * describes responses from schemas too. The end-to-end tests parse every
 * success response with these, so a drift from the engine fails a test.
 */

const epochMs = z.number().int().meta({ description: 'Epoch milliseconds' });
const count = z.number().int().min(0);

export const methodInfoResultSchema = z.strictObject({
  methodInfo: z.array(
    z.strictObject({
      methodType: z.string(),
      state: z.enum(['ACTIVE', 'BLOCKED', 'DEACTIVATED']),
      activeInstances: count,
      instances: z.array(
        z.strictObject({
          instanceId: z.string(),
          state: z.enum(['INITIATED', 'ACTIVE', 'BLOCKED', 'DEACTIVATED']),
          createdAt: epochMs,
          lastUsedAt: epochMs.optional(),
        }),
      ),
      failedAttempts: count,
      remainingAttempts: count,
      blockedUntil: epochMs.optional().meta({ description: 'Present only while a temporary lockout runs' }),
    }),
  ),
});

export const ntpInstanceSchema = z.strictObject({
  ntpId: z.string(),
  tenantId: z.string(),
  objectId: z.string(),
  groupAddresses: z.array(z.string()),
  ntpClass: z.number().int(),
  state: z.enum(['active', 'suspended']),
  startTime: epochMs.optional(),
  endTime: epochMs.optional(),
  ticketLength: z.number().int(),
  maxRedemptions: z.number().int(),
  maxTickets: z.number().int().meta({ description: '0 means unlimited' }),
  issuedTickets: count,
  redemptions: count.meta({ description: 'Successful redemptions of all its tickets' }),
  createdAt: epochMs,
  updatedAt: epochMs,
});

const page = { start: count, end: count, total: count };

export const ntpInstanceListSchema = z.strictObject({ ntpInstances: z.array(ntpInstanceSchema), ...page });

export const issuedCodeSchema = z.strictObject({
  token: z.string().meta({ description: 'The code (or signed token); shown once, stored only as an HMAC' }),
  userId: z.string(),
});

export const issuedCodesSchema = z.strictObject({ tokens: z.array(issuedCodeSchema) });

export const ticketListSchema = z.strictObject({
  tickets: z.array(
    z.strictObject({
      userId: z.string(),
      emailBound: z.boolean(),
      signed: z.boolean(),
      redemptions: count,
      maxRedemptions: count,
      revoked: z.boolean(),
      issuedAt: epochMs,
    }),
  ),
  ...page,
});

const refusal = z.enum(['INVALID_CODE', 'THROTTLED', 'EXPIRED', 'NOT_STARTED', 'REDEMPTION_LIMIT']);

export const codeStatusSchema = z.strictObject({
  valid: z.boolean(),
  reason: refusal.optional().meta({ description: 'The error code a redemption would answer; absent when valid' }),
  retryAfterMs: z.number().int().optional(),
  objectId: z.string().optional(),
  ntpId: z.string().optional(),
  redemptions: count,
  maxRedemptions: count,
});

export const ntpReportSchema = z.strictObject({ issued: count, redeemedTickets: count, totalRedemptions: count, revoked: count });

export const redeemedSchema = z.strictObject({ objectId: z.string(), ntpId: z.string() });
