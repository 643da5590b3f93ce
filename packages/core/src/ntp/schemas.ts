import { z } from 'zod';
import { idSchema, intSchema, timeSchema } from '../validate.js';
import type {
  CreateNtpInstanceOptions,
  IssueNtpCodeOptions,
  IssueNtpCodesOptions,
  ListNtpInstancesOptions,
  ListNtpTicketsOptions,
  NtpInstanceRef,
  RedeemCodeOptions,
  RevokeNtpCodeOptions,
  UpdateNtpInstanceOptions,
} from './types.js';

/*
 * The input schemas of every NTP operation (SPEC §3). Exported so the HTTP
 * package can build its OpenAPI document from the very schemas that validate
 * a call. Strict objects: an unknown field is INVALID_ARGUMENT.
 */

/** Most tickets one bulk call issues. */
export const MAX_BULK_TICKETS = 1_000_000;

const LONE_SURROGATE = /\p{Cs}/u;

/** An email as given: well-formed text of up to 1024 characters; blank or `null` means none. */
export const emailSchema = z
  .string({ error: 'must be a string' })
  .max(1024, { error: 'must be at most 1024 characters' })
  .refine((s) => !LONE_SURROGATE.test(s), { error: 'must be well-formed Unicode' })
  .nullable();

/** A time, or `null` for "no bound". */
const boundSchema = timeSchema.nullable().optional();

const count = (max: number) => intSchema(1, max).optional();
const offset = intSchema(0).optional();

export const ntpInstanceRefSchema = z.strictObject({ tenantId: idSchema, ntpId: idSchema });

export const createNtpInstanceSchema = z.strictObject({
  tenantId: idSchema,
  objectId: idSchema,
  groupAddresses: z.array(idSchema, { error: 'must be an array of strings' }).max(1000, { error: 'must have at most 1000 entries' }).readonly().optional(),
  ntpClass: intSchema(0, 1_000_000).optional(),
  maxTickets: intSchema(0).optional(),
  maxRedemptions: intSchema(1).optional(),
  startTime: boundSchema,
  endTime: boundSchema,
  ticketLength: intSchema(4, 32).optional(),
  allowGuessableCodes: z.boolean({ error: 'must be a boolean' }).optional(),
});

export const listNtpInstancesSchema = z.strictObject({ tenantId: idSchema, count: count(1000), offset });

export const updateNtpInstanceSchema = z.strictObject({
  tenantId: idSchema,
  ntpId: idSchema,
  maxTickets: intSchema(0).optional(),
  maxRedemptions: intSchema(1).optional(),
  startTime: boundSchema,
  endTime: boundSchema,
});

export const issueNtpCodeSchema = z.strictObject({
  tenantId: idSchema,
  ntpId: idSchema,
  email: emailSchema.optional(),
  maxRedemptions: intSchema(1).optional(),
});

export const issueNtpCodesSchema = z.strictObject({
  tenantId: idSchema,
  ntpId: idSchema,
  count: count(MAX_BULK_TICKETS),
  emails: z
    .array(emailSchema, { error: 'must be an array of strings' })
    .min(1, { error: `must have 1 to ${MAX_BULK_TICKETS} entries` })
    .max(MAX_BULK_TICKETS, { error: `must have 1 to ${MAX_BULK_TICKETS} entries` })
    .readonly()
    .optional(),
  maxRedemptions: intSchema(1).optional(),
  onProgress: z
    .custom<IssueNtpCodesOptions['onProgress'] & {}>((v) => typeof v === 'function', { error: 'must be a function' })
    .optional(),
});

export const redeemCodeSchema = z.strictObject({
  issuer: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(2048, { error: 'must be at most 2048 characters' }).optional(),
  tenantId: idSchema.optional(),
  ntpId: idSchema.optional(),
  code: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(4096, { error: 'must be at most 4096 characters' }),
  email: emailSchema.optional(),
  includeNtpId: z.boolean({ error: 'must be a boolean' }).optional(),
  clientKey: idSchema.optional(),
});

export const listNtpTicketsSchema = z.strictObject({ tenantId: idSchema, ntpId: idSchema, count: count(1000), offset });

export const revokeNtpCodeSchema = z.strictObject({
  tenantId: idSchema,
  ntpId: idSchema,
  code: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(4096, { error: 'must be at most 4096 characters' }).optional(),
  userId: idSchema.optional(),
});

// Compile-time proof that each documented options type is accepted by its schema.
type Accepts<S extends z.ZodType, T> = T extends z.input<S> ? true : never;
const accepted: [
  Accepts<typeof ntpInstanceRefSchema, NtpInstanceRef>,
  Accepts<typeof createNtpInstanceSchema, CreateNtpInstanceOptions>,
  Accepts<typeof listNtpInstancesSchema, ListNtpInstancesOptions>,
  Accepts<typeof updateNtpInstanceSchema, UpdateNtpInstanceOptions>,
  Accepts<typeof issueNtpCodeSchema, IssueNtpCodeOptions>,
  Accepts<typeof issueNtpCodesSchema, IssueNtpCodesOptions>,
  Accepts<typeof redeemCodeSchema, RedeemCodeOptions>,
  Accepts<typeof listNtpTicketsSchema, ListNtpTicketsOptions>,
  Accepts<typeof revokeNtpCodeSchema, RevokeNtpCodeOptions>,
] = [true, true, true, true, true, true, true, true, true];
void accepted;
