import { createEngine } from '@ntpass/core';
import { describe, expect, it } from 'vitest';
import { memoryCli } from '../memory-cli.js';
import { TEST_SECRET } from '../run-bin.js';

const U = ['--tenant-id', 'acme', '--muid', 'user-42'];

describe('method commands', () => {
  it('info shows every built-in method of a user never seen as ACTIVE with 3 attempts left', async () => {
    const ntpass = memoryCli();
    const info = await ntpass(['method', 'info', ...U]);
    expect(info.code).toBe(0);
    const lines = info.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^methodType +state +activeInstances +failedAttempts +remainingAttempts +blockedUntil$/);
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(0, 6))).toEqual(
      ['PASSWORD', 'ACTIVATION_CODE', 'SMS', 'CM', 'SPNEGO', 'TLS_CLIENT'].map((t) => [t, 'ACTIVE', '0', '0', '3', '-']),
    );
    const json = await ntpass(['method', 'info', ...U, '--method-types', 'SMS', '--json']);
    expect(JSON.parse(json.out)).toEqual({
      methodInfo: [{ methodType: 'SMS', state: 'ACTIVE', activeInstances: 0, instances: [], failedAttempts: 0, remainingAttempts: 3 }],
    });
  });

  it('block, unblock, deactivate and activate move the method and print its state; a forbidden move exits 1', async () => {
    const ntpass = memoryCli();
    const state = async (action: string) => {
      const result = await ntpass(['method', action, ...U, '--method-type', 'PASSWORD', '--json']);
      return { code: result.code, state: (JSON.parse(result.out) as { state?: string; error?: { code: string } }).state ?? (JSON.parse(result.out) as { error: { code: string } }).error.code };
    };
    expect(await state('block')).toEqual({ code: 0, state: 'BLOCKED' });
    expect(await state('block')).toEqual({ code: 1, state: 'INVALID_TRANSITION' });
    expect(await state('unblock')).toEqual({ code: 0, state: 'ACTIVE' });
    expect(await state('deactivate')).toEqual({ code: 0, state: 'DEACTIVATED' });
    expect(await state('unblock')).toEqual({ code: 1, state: 'INVALID_TRANSITION' });
    expect(await state('activate')).toEqual({ code: 0, state: 'ACTIVE' });
    const human = await ntpass(['method', 'block', ...U, '--method-type', 'PASSWORD']);
    expect(human.out).toMatch(/^methodType +state.*\nPASSWORD +BLOCKED +0 +0 +3 +-\n$/);
  });

  it('acts on one instance with --instance-id and lists the instances; an unknown one exits 1', async () => {
    const ntpass = memoryCli();
    const engine = createEngine({ store: ntpass.store, secret: TEST_SECRET });
    const { instanceId } = await engine.initiateInstance({ tenantId: 'acme', muid: 'user-42', methodType: 'CM', instanceId: 'CM:phone-1' });
    expect((await ntpass(['method', 'activate', ...U, '--method-type', 'CM', '--instance-id', instanceId])).code).toBe(0);
    const blocked = await ntpass(['method', 'block', ...U, '--method-type', 'CM', '--instance-id', instanceId]);
    expect(blocked.code).toBe(0);
    expect(blocked.out).toMatch(/^CM +ACTIVE +0 +0 +3 +-$/m);
    expect(blocked.out).toMatch(/\nInstances:\nmethodType +instanceId +state +createdAt +lastUsedAt\nCM +CM:phone-1 +BLOCKED +\d{4}-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d +-\n$/);
    const unknown = await ntpass(['method', 'block', ...U, '--method-type', 'CM', '--instance-id', 'CM:nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^ntpass: NOT_FOUND: blockInstance: /);
    await engine.close();
  });

  it('refuses an unknown method type as bad usage, naming the flag', async () => {
    const ntpass = memoryCli();
    const badType = await ntpass(['method', 'block', ...U, '--method-type', 'CARRIER_PIGEON']);
    expect(badType.code).toBe(2);
    expect(badType.err).toMatch(/^ntpass: INVALID_ARGUMENT: blockMethod: methodType /);
    expect(badType.err).toContain('(the value of --method-type)');
  });
});
