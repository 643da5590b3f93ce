import { BUILTIN_METHOD_TYPES, createMethodSchemas, type NtpassErrorCode } from '@ntpass/core';
import { z } from 'zod';
import type { HttpEngine } from '../http-engine.js';
import { routeFor, type Route } from '../route.js';
import { methodInfoResultSchema } from './result-schemas.js';

/*
 * The identity provider's management API, exactly as its clients call it:
 * `POST {base}/case-iapi/v1/<operation>`, the tenant as `tenant` in the body
 * or the `x-tenant-id` header, `data: null` for the state changes. The body
 * schemas are the engine's own, with `tenantId` renamed `tenant`.
 */

const PREFIX = '/case-iapi/v1';
const route = routeFor<HttpEngine>();
const core = createMethodSchemas(BUILTIN_METHOD_TYPES);

// Which types exist is the engine's call (it may be configured with more), so
// the wire accepts any string here and the engine names an unknown one.
const methodType = z
  .string({ error: 'must be a string' })
  .meta({ description: `A method type: ${BUILTIN_METHOD_TYPES.join(', ')}, or one configured in createEngine({ methodTypes })` });
const wire = {
  tenant: core.method.shape.tenantId.meta({
    description: 'The tenant; else the x-tenant-id header, else the handler defaultTenantId (authorize sees it)',
  }),
  methodType,
};

const methodInfoBody = core.methodInfo.omit({ tenantId: true }).extend({
  tenant: wire.tenant,
  methodTypes: z
    .array(methodType, { error: 'must be a non-empty array of method types' })
    .min(1, { error: 'must be a non-empty array of method types' })
    .max(64, { error: 'must list at most 64 method types' }),
});
const methodBody = core.method.omit({ tenantId: true }).extend(wire);
const instanceBody = core.instance.omit({ tenantId: true }).extend(wire);
const initiateBody = core.initiateInstance.omit({ tenantId: true }).extend(wire);

/** The engine's options: the body without its `tenant`, with the tenant `authorize` saw. */
function withTenant<T extends { readonly tenant?: string | undefined }>(body: T, tenantId: string | undefined) {
  const { tenant: _named, ...rest } = body;
  return tenantId === undefined ? rest : { ...rest, tenantId };
}

const common = { method: 'POST', access: 'operator', tenantFrom: 'body', tag: 'methods', successStatus: 200 } as const;
const transitionErrors = ['NOT_FOUND', 'INVALID_TRANSITION', 'CONFLICT'] as const;

type MethodChange = 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod';
type InstanceChange = 'activateInstance' | 'blockInstance' | 'unblockInstance' | 'deactivateInstance';

/** What every state-changing route shares; `seed: false` marks an ntpass extension. */
function stateChange(operation: MethodChange | InstanceChange, summary: string, seed: boolean) {
  return {
    ...common,
    operation,
    path: `${PREFIX}/${operation}`,
    summary,
    ...(seed ? {} : { description: 'ntpass extension: not in the identity provider API.' }),
    data: z.null(),
  };
}

function methodChange(operation: MethodChange, summary: string, seed = true): Route<HttpEngine> {
  return route({
    ...stateChange(operation, summary, seed),
    body: methodBody,
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
    run: async (engine, { body, tenantId }) => engine[operation](withTenant(body, tenantId)),
  });
}

function instanceChange(operation: InstanceChange, summary: string, seed = true, errors: readonly NtpassErrorCode[] = transitionErrors): Route<HttpEngine> {
  return route({
    ...stateChange(operation, summary, seed),
    body: instanceBody,
    errors,
    run: async (engine, { body, tenantId }) => engine[operation](withTenant(body, tenantId)),
  });
}

/** The identity provider's routes, plus the operations it lacks (initiate, activate) so instances can be made over HTTP too. */
export const methodRoutes: readonly Route<HttpEngine>[] = [
  route({
    ...common,
    operation: 'methodInfo',
    path: `${PREFIX}/methodInfo`,
    summary: 'State, instances and failure counts of methods of a user, in the order asked',
    body: methodInfoBody,
    data: methodInfoResultSchema,
    errors: [],
    run: async (engine, { body, tenantId }) => engine.methodInfo(withTenant(body, tenantId)),
  }),
  instanceChange('blockInstance', 'Block an instance (ACTIVE → BLOCKED); the method is left as it is'),
  instanceChange('unblockInstance', 'Unblock an instance (BLOCKED → ACTIVE); the method is left as it is'),
  instanceChange('deactivateInstance', 'Deactivate an instance for good; the method is left as it is'),
  methodChange('blockMethod', 'Block a method (ACTIVE → BLOCKED); instances are left as they are'),
  methodChange('unblockMethod', 'Unblock a method (BLOCKED → ACTIVE), resetting failures'),
  methodChange('deactivateMethod', 'Deactivate a method and every live instance of it'),
  route({
    ...common,
    operation: 'initiateInstance',
    path: `${PREFIX}/initiateInstance`,
    summary: 'Create an INITIATED instance carrying the host data',
    description: 'ntpass extension: not in the identity provider API.',
    body: initiateBody,
    data: z.strictObject({ instanceId: z.string() }),
    errors: ['METHOD_BLOCKED', 'METHOD_DEACTIVATED', 'CONFLICT'],
    run: async (engine, { body, tenantId }) => engine.initiateInstance(withTenant(body, tenantId)),
  }),
  instanceChange('activateInstance', 'Activate an INITIATED instance (single-instance types deactivate the others)', false, [
    ...transitionErrors,
    'METHOD_BLOCKED',
    'METHOD_DEACTIVATED',
  ]),
  methodChange('activateMethod', 'Reactivate a DEACTIVATED method, resetting failures', false),
];
