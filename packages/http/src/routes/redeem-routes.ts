import { ntpSchemas } from '@ntpass/core';
import { z } from 'zod';
import type { HttpEngine } from '../http-engine.js';
import { routeFor, type Route, type RouteInput } from '../route.js';
import { redeemedSchema } from './result-schemas.js';

/*
 * The ticket system's public redeem path, as its clients already call it:
 * `POST {base}/otp/ntp/<tenantId>[/<ntpId>]` with `{ "_PASSWORD", "_EMAIL" }`.
 * No authorize; the host's clientKey feeds the brute-force throttle.
 */

const route = routeFor<HttpEngine>();
const { code, email } = ntpSchemas.redeemCodeSchema.shape;

const body = z.strictObject({
  _PASSWORD: code.meta({ description: 'The code, or a whole signed token' }),
  _EMAIL: email.meta({ description: 'The email a bound code requires; blank or absent for an unbound code' }),
});

async function redeem(engine: HttpEngine, input: RouteInput<undefined, z.output<typeof body>>) {
  const { params, body: { _PASSWORD, _EMAIL } } = input;
  const clientKey = await input.clientKey();
  return engine.redeemCode({
    tenantId: params['tenantId'] as string,
    ...(params['ntpId'] === undefined ? {} : { ntpId: params['ntpId'] }),
    code: _PASSWORD,
    ...(typeof _EMAIL === 'string' && _EMAIL.trim() !== '' ? { email: _EMAIL } : {}),
    ...(clientKey === undefined ? {} : { clientKey }),
    includeNtpId: true,
  });
}

const common = {
  method: 'POST',
  access: 'public',
  tag: 'redeem',
  operation: 'redeemCode',
  body,
  data: redeemedSchema,
  successStatus: 200,
  errors: ['INVALID_CODE', 'EXPIRED', 'NOT_STARTED', 'REDEMPTION_LIMIT', 'THROTTLED', 'CONFLICT'],
  run: redeem,
} as const;

export const redeemRoutes: readonly Route<HttpEngine>[] = [
  route({
    ...common,
    operationId: 'redeemCode',
    path: '/otp/ntp/{tenantId}',
    summary: "Redeem a code among all the tenant's instances",
  }),
  route({
    ...common,
    operationId: 'redeemInstanceCode',
    path: '/otp/ntp/{tenantId}/{ntpId}',
    summary: 'Redeem a code of one instance',
  }),
];
