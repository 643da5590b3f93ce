import { NtpassError, ntpSchemas, type NtpInstanceRef, type RevokeNtpCodeOptions } from '@ntpass/core';
import { z } from 'zod';
import type { HttpEngine } from '../http-engine.js';
import { routeFor, type Route } from '../route.js';
import { codesOfArray, ISSUED_CODES_MEDIA_TYPES, issuedCodesResponse, MAX_ENVELOPE_CODES, streamedFormat } from './issued-codes-stream.js';
import {
  codeStatusSchema,
  issuedCodeSchema,
  issuedCodesSchema,
  ntpInstanceListSchema,
  ntpInstanceSchema,
  ntpReportSchema,
  ticketListSchema,
} from './result-schemas.js';

/*
 * Operator routes for n-time passwords (ntpass's own design; the ticket API's
 * HTTP paths are not public). Resources nest under the tenant so `authorize`
 * sees the tenant before anything is read; codes travel only in bodies, never
 * in URLs that proxies log. Body and query schemas are the engine's own,
 * minus the fields the path carries.
 */

const route = routeFor<HttpEngine>();
const TENANT = '/ntp/v1/tenants/{tenantId}';
const INSTANCES = `${TENANT}/instances`;
const INSTANCE = `${INSTANCES}/{ntpId}`;
const common = { access: 'operator', tag: 'ntp' } as const;

const s = ntpSchemas;
const ref = { tenantId: true, ntpId: true } as const;
const issueBody = s.issueNtpCodeSchema.omit(ref);
const pageQuery = s.listNtpTicketsSchema.omit(ref);

const tenantOf = (params: Readonly<Record<string, string>>) => params['tenantId'] as string;
const instanceOf = (params: Readonly<Record<string, string>>) => ({
  tenantId: params['tenantId'] as string,
  ntpId: params['ntpId'] as string,
});

/** The engine takes the ticket by code or by user id, exactly one. */
function revokeTarget(ref: NtpInstanceRef, body: { readonly code?: string; readonly userId?: string }): RevokeNtpCodeOptions {
  if (body.code !== undefined && body.userId === undefined) return { ...ref, code: body.code };
  if (body.userId !== undefined && body.code === undefined) return { ...ref, userId: body.userId };
  throw new NtpassError('INVALID_ARGUMENT', 'revokeNtpCode: code or userId is required (exactly one)', { field: 'code' });
}

export const ntpRoutes: readonly Route<HttpEngine>[] = [
  route({
    ...common,
    operation: 'createNtpInstance',
    method: 'POST',
    path: INSTANCES,
    summary: 'Create an NTP instance',
    body: s.createNtpInstanceSchema.omit({ tenantId: true }),
    data: z.strictObject({ ntpId: z.string() }),
    successStatus: 201,
    errors: [],
    run: async (engine, { params, body }) => ({ ntpId: await engine.createNtpInstance({ ...body, tenantId: tenantOf(params) }) }),
  }),
  route({
    ...common,
    operation: 'listNtpInstances',
    method: 'GET',
    path: INSTANCES,
    summary: "A page of the tenant's instances, ordered by creation",
    query: s.listNtpInstancesSchema.omit({ tenantId: true }),
    data: ntpInstanceListSchema,
    successStatus: 200,
    errors: [],
    run: async (engine, { params, query }) => engine.listNtpInstances({ ...query, tenantId: tenantOf(params) }),
  }),
  route({
    ...common,
    operation: 'ntpInstance',
    method: 'GET',
    path: INSTANCE,
    summary: 'An instance with its counters',
    data: ntpInstanceSchema,
    successStatus: 200,
    errors: ['NOT_FOUND'],
    run: async (engine, { params }) => engine.ntpInstance(instanceOf(params)),
  }),
  route({
    ...common,
    operation: 'updateNtpInstance',
    method: 'PATCH',
    path: INSTANCE,
    summary: 'Change only the fields given; null clears a time; giving endTime ends a suspension',
    body: s.updateNtpInstanceSchema.omit(ref),
    data: ntpInstanceSchema,
    successStatus: 200,
    errors: ['NOT_FOUND', 'CONFLICT'],
    run: async (engine, { params, body }) => engine.updateNtpInstance({ ...body, ...instanceOf(params) }),
  }),
  route({
    ...common,
    operation: 'deleteNtpInstance',
    method: 'DELETE',
    path: INSTANCE,
    summary: 'Delete an instance for good; its tickets are purged in the background',
    data: z.null(),
    successStatus: 200,
    errors: ['NOT_FOUND', 'CONFLICT'],
    run: async (engine, { params }) => engine.deleteNtpInstance(instanceOf(params)),
  }),
  route({
    ...common,
    operation: 'suspendNtpInstance',
    method: 'POST',
    path: `${INSTANCE}/suspend`,
    summary: 'Suspend an instance: no code redeems or is issued until an update sets endTime',
    data: z.null(),
    successStatus: 200,
    errors: ['NOT_FOUND', 'CONFLICT'],
    run: async (engine, { params }) => engine.suspendNtpInstance(instanceOf(params)),
  }),
  route({
    ...common,
    operation: 'ntpInstanceReport',
    method: 'GET',
    path: `${INSTANCE}/report`,
    summary: 'Totals of an instance',
    data: ntpReportSchema,
    successStatus: 200,
    errors: ['NOT_FOUND'],
    run: async (engine, { params }) => engine.ntpInstanceReport(instanceOf(params)),
  }),
  route({
    ...common,
    operation: 'issueNtpCode',
    method: 'POST',
    path: `${INSTANCE}/codes`,
    summary: 'Issue one code, optionally bound to an email',
    body: issueBody,
    data: issuedCodeSchema,
    successStatus: 201,
    errors: ['NOT_FOUND', 'EXPIRED', 'TICKET_LIMIT', 'CONFLICT'],
    run: async (engine, { params, body }) => engine.issueNtpCode({ ...body, ...instanceOf(params) }),
  }),
  route({
    ...common,
    operation: 'issueNtpCodes',
    method: 'POST',
    path: `${INSTANCE}/codes/bulk`,
    summary: 'Issue many codes at once, all or nothing: count codes, or one per email',
    description:
      `With \`Accept: ${ISSUED_CODES_MEDIA_TYPES.ndjson}\` (one \`{"token","userId"}\` per line) or \`Accept: ${ISSUED_CODES_MEDIA_TYPES.csv}\` ` +
      '(a `token,userId` header, then one row per code) the codes are streamed, in request order, once all are issued; ' +
      `otherwise they come in the JSON envelope, which holds at most ${MAX_ENVELOPE_CODES} codes.`,
    body: s.issueNtpCodesSchema.omit({ ...ref, onProgress: true }),
    data: issuedCodesSchema,
    streamed: {
      [ISSUED_CODES_MEDIA_TYPES.ndjson]: {
        description: 'One JSON object {"token","userId"} per line, in request order; header X-Ntpass-Count gives the number of lines.',
        example: '{"token":"Hx7kP2qW","userId":"iusr4pV8Lq2mR9tYcW3nZ6bK1sD7fG5hJ2xA"}\n',
      },
      [ISSUED_CODES_MEDIA_TYPES.csv]: {
        description: 'A token,userId header row, then one row per code in request order (CRLF line ends).',
        example: 'token,userId\r\nHx7kP2qW,iusr4pV8Lq2mR9tYcW3nZ6bK1sD7fG5hJ2xA\r\n',
      },
    },
    successStatus: 201,
    errors: ['NOT_FOUND', 'EXPIRED', 'TICKET_LIMIT', 'CONFLICT'],
    run: async (engine, { params, body, request }) => {
      const format = streamedFormat(request);
      const count = body.count ?? body.emails?.length ?? 0;
      if (format === undefined && count > MAX_ENVELOPE_CODES) {
        throw new NtpassError(
          'INVALID_ARGUMENT',
          `issueNtpCodes: count must be at most ${MAX_ENVELOPE_CODES} in a JSON reply; ask for more with Accept: ${ISSUED_CODES_MEDIA_TYPES.ndjson} or ${ISSUED_CODES_MEDIA_TYPES.csv}`,
          { field: 'count' },
        );
      }
      const options = { ...body, ...instanceOf(params) };
      if (format === undefined) return { tokens: (await engine.issueNtpCodes(options)).tokens };
      // Packed, a million codes stay ~64 MB, not ~750 MB of objects; the reply reads them a chunk at a time.
      const codes = engine.issueNtpCodesPacked ? await engine.issueNtpCodesPacked(options) : codesOfArray((await engine.issueNtpCodes(options)).tokens);
      return issuedCodesResponse(codes, format);
    },
  }),
  route({
    ...common,
    operation: 'issueSignedNtpCode',
    method: 'POST',
    path: `${INSTANCE}/codes/signed`,
    summary: 'Issue one Ed25519-signed code (needs createEngine({ signingKey }))',
    body: issueBody,
    data: issuedCodeSchema,
    successStatus: 201,
    errors: ['NOT_FOUND', 'EXPIRED', 'TICKET_LIMIT', 'CONFLICT'],
    run: async (engine, { params, body }) => engine.issueSignedNtpCode({ ...body, ...instanceOf(params) }),
  }),
  route({
    ...common,
    operation: 'listNtpTickets',
    method: 'GET',
    path: `${INSTANCE}/tickets`,
    summary: "A page of an instance's tickets, in issue order; never their codes or emails",
    query: pageQuery,
    data: ticketListSchema,
    successStatus: 200,
    errors: ['NOT_FOUND'],
    run: async (engine, { params, query }) => engine.listNtpTickets({ ...query, ...instanceOf(params) }),
  }),
  route({
    ...common,
    operation: 'revokeNtpCode',
    method: 'POST',
    path: `${INSTANCE}/tickets/revoke`,
    summary: 'Stop a ticket from redeeming, by its code or its userId',
    body: s.revokeNtpCodeSchema.omit(ref),
    data: z.null(),
    successStatus: 200,
    errors: ['NOT_FOUND', 'CONFLICT'],
    run: async (engine, { params, body }) => engine.revokeNtpCode(revokeTarget(instanceOf(params), body)),
  }),
  route({
    ...common,
    operation: 'ntpCodeStatus',
    method: 'POST',
    path: `${TENANT}/codes/status`,
    summary: 'Whether a code would redeem now, and why not, without redeeming it',
    body: s.redeemCodeSchema.pick({ ntpId: true, code: true, email: true }),
    data: codeStatusSchema,
    successStatus: 200,
    errors: [],
    run: async (engine, { params, body }) => engine.ntpCodeStatus({ ...body, tenantId: tenantOf(params) }),
  }),
];
