import { usageError } from '../cli-error.js';
import { defineCommand, type Command } from '../command.js';
import type { CliEngine } from '../engine-api.js';
import { methodDetails } from '../output/method-view.js';
import { userFlags } from './method-flags.js';

type Action = 'block' | 'unblock' | 'deactivate' | 'activate';

interface ActionSpec {
  readonly summary: string;
  readonly method: 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod';
  /** The instance-level operation, for actions an operator may apply to one instance. */
  readonly instance?: 'blockInstance' | 'unblockInstance' | 'deactivateInstance';
  readonly details: readonly string[];
}

const ACTIONS: { readonly [A in Action]: ActionSpec } = {
  block: {
    summary: 'block a method (ACTIVE → BLOCKED), or one instance with --instance-id',
    method: 'blockMethod',
    instance: 'blockInstance',
    details: ['An operator block never ends by itself: `method unblock` ends it.'],
  },
  unblock: {
    summary: 'unblock a method (BLOCKED → ACTIVE, failures reset), or one instance with --instance-id',
    method: 'unblockMethod',
    instance: 'unblockInstance',
    details: ['Ends an operator block or a lockout after too many failed attempts.'],
  },
  deactivate: {
    summary: 'deactivate a method and all its live instances, or one instance with --instance-id',
    method: 'deactivateMethod',
    instance: 'deactivateInstance',
    details: ['A deactivated instance never comes back; a deactivated method returns with `method activate`.'],
  },
  activate: {
    summary: 'reactivate a deactivated method (DEACTIVATED → ACTIVE, failures reset)',
    method: 'activateMethod',
    details: ['Its instances stay DEACTIVATED: the user enrols again.'],
  },
};

/** `method block|unblock|deactivate|activate`: one operator action, then the method's state. */
export function methodChange(action: Action): Command {
  const spec = ACTIONS[action];
  const command = `method ${action}`;
  return defineCommand({
    group: 'method',
    name: action,
    summary: spec.summary,
    details: [...spec.details, 'Prints the method afterwards. A move the state machine forbids exits 1 (INVALID_TRANSITION).'],
    flags: {
      ...userFlags,
      methodType: { kind: 'text', placeholder: 'TYPE', required: true, help: 'PASSWORD, SMS, ACTIVATION_CODE, CM, SPNEGO, TLS_CLIENT…' },
      instanceId: {
        kind: 'text',
        placeholder: 'ID',
        help: spec.instance === undefined ? 'not accepted: activate applies to whole methods' : 'act on this one instance only; the method is left as it is',
      },
    },
    examples: [
      `ntpass ${command} --tenant-id acme --muid user-42 --method-type PASSWORD`,
      ...(spec.instance === undefined ? [] : [`ntpass ${command} --tenant-id acme --muid user-42 --method-type CM --instance-id CM:7f3c…:user-42`]),
    ],
    writes: true,
    run: async ({ flags: { tenantId, muid, methodType, instanceId }, engine }) => {
      const e: CliEngine = await engine();
      if (instanceId === undefined) {
        await e[spec.method]({ tenantId, muid, methodType });
      } else if (spec.instance === undefined) {
        throw usageError(`--instance-id: ${command} applies to whole methods`, command);
      } else {
        await e[spec.instance]({ tenantId, muid, methodType, instanceId });
      }
      const info = await e.methodInfo({ tenantId, muid, methodTypes: [methodType] });
      return { json: info.methodInfo[0] ?? null, human: () => methodDetails(info.methodInfo) };
    },
  });
}
