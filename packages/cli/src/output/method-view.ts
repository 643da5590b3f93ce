import type { MethodInfo } from '@ntpass/core';
import { localIso, optionalTime } from './format.js';
import { table } from './table.js';

/** Methods as a table, then each method's instances. */
export function methodDetails(methods: readonly MethodInfo[]): string {
  const summary = table(
    [
      { header: 'methodType' },
      { header: 'state' },
      { header: 'activeInstances', right: true },
      { header: 'failedAttempts', right: true },
      { header: 'remainingAttempts', right: true },
      { header: 'blockedUntil' },
    ],
    methods.map((m) => [
      m.methodType,
      m.state,
      String(m.activeInstances),
      String(m.failedAttempts),
      String(m.remainingAttempts),
      optionalTime(m.blockedUntil, '-'),
    ]),
  );
  const instances = methods.flatMap((m) => m.instances.map((i) => [m.methodType, i.instanceId, i.state, localIso(i.createdAt), optionalTime(i.lastUsedAt, '-')]));
  if (instances.length === 0) return summary;
  const instanceTable = table(
    [{ header: 'methodType' }, { header: 'instanceId' }, { header: 'state' }, { header: 'createdAt' }, { header: 'lastUsedAt' }],
    instances,
  );
  return `${summary}\n\nInstances:\n${instanceTable}`;
}
