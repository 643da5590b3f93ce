import { defineCommand, type Command } from '../command.js';
import type { Engine } from '@ntpass/core';
import { methodDetails } from '../output/method-view.js';
import { userFlags } from './method-flags.js';

type Action = 'block' | 'unblock' | 'deactivate' | 'activate';

interface ActionSpec {
  readonly summary: string;
  readonly method: 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod';
  /** The same action on one instance (`--instance-id`). */
  readonly instance: 'blockInstance' | 'unblockInstance' | 'deactivateInstance' | 'activateInstance';
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
    summary: 'reactivate a deactivated method (failures reset), or activate an INITIATED instance with --instance-id',
    method: 'activateMethod',
    instance: 'activateInstance',
    details: [
      "A reactivated method's instances stay DEACTIVATED: the user enrols again.",
      'Activating an instance of a single-instance type (PASSWORD, SMS, ACTIVATION_CODE) deactivates its other live instance.',
    ],
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
      instanceId: { kind: 'text', placeholder: 'ID', help: 'act on this one instance only; the method is left as it is' },
    },
    examples: [
      `ntpass ${command} --tenant-id acme --muid user-42 --method-type PASSWORD`,
      `ntpass ${command} --tenant-id acme --muid user-42 --method-type CM --instance-id CM:7f3c…:user-42`,
    ],
    writes: true,
    run: async ({ flags: { tenantId, muid, methodType, instanceId }, engine }) => {
      const e: Engine = await engine();
      if (instanceId === undefined) await e[spec.method]({ tenantId, muid, methodType });
      else await e[spec.instance]({ tenantId, muid, methodType, instanceId });
      const info = await e.methodInfo({ tenantId, muid, methodTypes: [methodType] });
      return { json: info.methodInfo[0] ?? null, human: () => methodDetails(info.methodInfo) };
    },
  });
}
