import { describe, expect, it } from 'vitest';
import { setup, T } from './support.js';

/*
 * SPEC §3.3: an unknown code and a known code refused for its email are
 * indistinguishable — in the error and in the work the store does, so a
 * guesser cannot time a refusal to learn that a code exists.
 */

async function workOf(s: ReturnType<typeof setup>, call: () => Promise<unknown>): Promise<string[]> {
  s.store.clearCalls();
  await call().catch(() => undefined);
  return s.store.calls.map((c) => c.method);
}

describe('refusals do the same store work', () => {
  it('redeemCode by tenant: an unknown code costs what a bound code with a wrong email costs', async () => {
    const s = setup();
    const ntpId = await s.engine.createNtpInstance({ tenantId: T, objectId: 'o' });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'ann@example.org' });
    await s.engine.redeemCode({ tenantId: T, code: token, email: 'ann@example.org' }); // warms the instance cache
    const wrongEmail = await workOf(s, () => s.engine.redeemCode({ tenantId: T, code: token, email: 'bob@example.org' }));
    const unknown = await workOf(s, () => s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', email: 'bob@example.org' }));
    expect(wrongEmail).toEqual(['read', 'commit', 'read']);
    expect(unknown).toEqual(wrongEmail);
  });

  it('ntpCodeStatus by tenant: the same', async () => {
    const s = setup();
    const ntpId = await s.engine.createNtpInstance({ tenantId: T, objectId: 'o' });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'ann@example.org' });
    const wrongEmail = await workOf(s, () => s.engine.ntpCodeStatus({ tenantId: T, code: token, email: 'bob@example.org' }));
    const unknown = await workOf(s, () => s.engine.ntpCodeStatus({ tenantId: T, code: 'zzzzzz' }));
    expect(wrongEmail).toEqual(['read', 'read']);
    expect(unknown).toEqual(wrongEmail);
  });

  it('the decoy work leaves no state behind', async () => {
    const s = setup();
    await s.engine.createNtpInstance({ tenantId: T, objectId: 'o' });
    const before = await s.store.snapshot(s.clock.now());
    for (let i = 0; i < 20; i++) await s.engine.redeemCode({ tenantId: T, code: `zzzz${'abcdefghijkmnopqrstu'[i]}z` }).catch(() => undefined);
    expect(await s.store.snapshot(s.clock.now())).toEqual(before);
  });
});
