import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createEngine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import type { CountedFailure, MethodsTask } from './fixtures/methods-worker.js';
import { startTogether } from './fixtures/spawn-worker.js';
import { tempFiles } from './fixtures/temp-files.js';

/*
 * SPEC §6 invariant 5 across OS processes: four processes failing
 * authentication on one method at once never lose an increment, never pass
 * the limit, and exactly the failure that reaches the limit blocks the method.
 */

const files = tempFiles('methods-processes');
afterAll(files.remove);

const SECRET = 'multi-process-test-secret-of-32-bytes!';
const LIMIT = 25;

describe('the engine over sqliteStore in several processes: lockout', () => {
  it('counts exactly maxFailedAttempts failures from 4 processes and blocks on the last', async () => {
    const filename = files.next();
    const target = { tenantId: 'acme', muid: 'alice', methodType: 'PASSWORD' };
    const open = () => {
      const store = sqliteStore({ filename });
      return { store, engine: createEngine({ store, secret: SECRET, lockout: { maxFailedAttempts: LIMIT } }) };
    };
    const setup = open();
    const { instanceId } = await setup.engine.initiateInstance(target);
    await setup.engine.activateInstance({ ...target, instanceId });
    await setup.engine.close();
    await setup.store.close();

    const tasks: MethodsTask[] = Array.from({ length: 4 }, (_, worker) => ({ filename, secret: SECRET, maxFailedAttempts: LIMIT, worker, ...target }));
    const workers = await startTogether<CountedFailure>('methods-worker.ts', tasks);
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0, 0]);
    assert.deepEqual(workers.flatMap((w) => w.errors), []);
    const failures = workers.flatMap((w) => w.lines);

    assert.equal(failures.length, LIMIT, 'every counted failure, no more, no fewer');
    assert.deepEqual(failures.map((f) => f.failedAttempts).sort((a, b) => a - b), Array.from({ length: LIMIT }, (_, i) => i + 1));
    assert.deepEqual(failures.filter((f) => f.state === 'BLOCKED').map((f) => f.failedAttempts), [LIMIT], 'only the failure reaching the limit blocked');

    const after = open();
    try {
      const { methodInfo } = await after.engine.methodInfo({ tenantId: target.tenantId, muid: target.muid, methodTypes: ['PASSWORD'] });
      assert.equal(methodInfo[0]?.state, 'BLOCKED');
      assert.equal(methodInfo[0]?.failedAttempts, LIMIT);
    } finally {
      await after.engine.close();
      await after.store.close();
    }
  }, 90_000);
});
