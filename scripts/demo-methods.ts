import { randomBytes } from 'node:crypto';
import { createEngine, type AuthenticateResult, type Engine } from '@ntpass/core';
import { createFakeClock } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';

/*
 * The lockout walkthrough: a user's password is locked out by three wrong
 * attempts, an operator unblocks it; then, with a temporary lockout policy,
 * the block ends by itself.
 */

const tenantId = 'demo';
const muid = 'alice';
const methodType = 'PASSWORD';

// The host's own credential check: ntpass never sees the password, only the verdict.
const checkPassword = (typed: string) => async () => typed === 'correct horse';

const show = (label: string, r: AuthenticateResult) =>
  console.log(
    `  ${label.padEnd(26)} → ${r.ok ? 'ok' : r.reason}; method ${r.state}, ${r.failedAttempts} failed, ${r.remainingAttempts} left`,
  );

async function login(engine: Engine, typed: string): Promise<AuthenticateResult> {
  return engine.authenticate({ tenantId, muid, methodType, verify: checkPassword(typed) });
}

async function state(engine: Engine): Promise<string> {
  const [info] = (await engine.methodInfo({ tenantId, muid, methodTypes: [methodType] })).methodInfo;
  return JSON.stringify(info);
}

export async function demoLockout(engine: Engine): Promise<void> {
  console.log('\n— authentication methods: a lockout, step by step —');
  const { instanceId } = await engine.initiateInstance({ tenantId, muid, methodType, data: { credentialRef: 'vault:alice/pw' } });
  await engine.activateInstance({ tenantId, muid, methodType, instanceId });
  console.log(`  enrolled ${instanceId}`);
  console.log(`  methodInfo: ${await state(engine)}`);

  for (const typed of ['hunter2', 'letmein', 'password1']) show(`wrong password "${typed}"`, await login(engine, typed));
  // The third failure blocked the method in the same atomic step; now even the right password is refused.
  show('right password', await login(engine, 'correct horse'));
  console.log(`  methodInfo: ${await state(engine)}`);

  await engine.unblockMethod({ tenantId, muid, methodType });
  console.log('  operator: unblockMethod');
  show('right password', await login(engine, 'correct horse'));

  console.log('\n  with lockout: { lockoutMs: 15 min } the block ends by itself:');
  const clock = createFakeClock();
  const temporary = createEngine({
    store: memoryStore(),
    secret: randomBytes(32), // a memory store lives only as long as this process, and so may its secret
    clock: clock.now,
    lockout: { lockoutMs: 15 * 60_000 },
  });
  const enrolled = await temporary.initiateInstance({ tenantId, muid, methodType });
  await temporary.activateInstance({ tenantId, muid, methodType, instanceId: enrolled.instanceId });
  for (let i = 0; i < 3; i++) await login(temporary, 'nope');
  console.log(`  after 3 failures: ${await state(temporary)}`);
  clock.advance(15 * 60_000);
  console.log('  15 minutes later…');
  show('right password', await login(temporary, 'correct horse'));
  await temporary.close();
}
