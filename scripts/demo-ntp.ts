import { generateKeyPairSync } from 'node:crypto';
import { isNtpassError, verifySignedCode, type Engine } from '@ntpass/core';

/*
 * The n-time-password walkthrough (SPEC §3): an event with a guest list.
 * Each step prints what it does and what came back.
 */

const step = (title: string): void => console.log(`\n• ${title}`);
const show = (label: string, value: unknown): void => console.log(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);

/** Runs `call` and prints its result, or the error code and message it was refused with. */
async function attempt(label: string, call: () => Promise<unknown>): Promise<void> {
  try {
    show(label, await call());
  } catch (e) {
    if (!isNtpassError(e)) throw e;
    const retry = e.retryAfterMs === undefined ? '' : `, retryAfterMs ${e.retryAfterMs}`;
    console.log(`  ${label}: refused ${e.code} (${e.message}${retry})`);
  }
}

/** The demo engine's Ed25519 key pair: `demo.ts` passes its private half as `signingKey`. */
export const DEMO_SIGNING_KEYS = generateKeyPairSync('ed25519');

export async function demoTickets(engine: Engine): Promise<void> {
  console.log('\n=== n-time passwords ===');
  const tenantId = 'acme-events';

  step('Create an instance: 3 tickets at most, each redeemable twice, open for the next hour');
  const now = Date.now();
  const ntpId = await engine.createNtpInstance({
    tenantId,
    objectId: 'iq__concert-stream',
    maxTickets: 3,
    maxRedemptions: 2,
    startTime: new Date(now - 60_000),
    endTime: new Date(now + 3_600_000).toISOString(),
  });
  show('ntpId', ntpId);

  step('Issue a code bound to an email');
  const bound = await engine.issueNtpCode({ tenantId, ntpId, email: 'Ann@Example.org' });
  show('issued', bound);

  step('Issue a signed code (Ed25519): it carries its tenant and instance');
  const signed = await engine.issueSignedNtpCode({ tenantId, ntpId });
  show('token', signed.token);
  show('payload (verifySignedCode)', verifySignedCode(signed.token, DEMO_SIGNING_KEYS.publicKey));

  step('Redeem the bound code: its email is required, compared trimmed and lower-cased');
  await attempt('without the email', () => engine.redeemCode({ tenantId, ntpId, code: bound.token }));
  await attempt('with " ann@example.ORG "', () => engine.redeemCode({ tenantId, ntpId, code: bound.token, email: ' ann@example.ORG ' }));

  step('Redeem the signed token alone, with no tenant or instance given');
  await attempt('signed token', () => engine.redeemCode({ code: signed.token, includeNtpId: true }));
  await attempt('its bare code', () => engine.redeemCode({ tenantId, ntpId, code: signed.token.split('.')[0] ?? '' }));

  step('Hit the limits');
  await attempt('2nd redemption of the bound code (tenant-wide lookup)', () => engine.redeemCode({ tenantId, code: bound.token, email: 'ann@example.org' }));
  await attempt('3rd redemption', () => engine.redeemCode({ tenantId, ntpId, code: bound.token, email: 'ann@example.org' }));
  await attempt('issue a 3rd ticket', async () => (await engine.issueNtpCode({ tenantId, ntpId })).userId);
  await attempt('issue a 4th ticket', () => engine.issueNtpCode({ tenantId, ntpId }));
  await attempt('status of the spent code', () => engine.ntpCodeStatus({ tenantId, code: bound.token, email: 'ann@example.org' }));

  step('Suspend the instance: nothing redeems or is issued');
  await engine.suspendNtpInstance({ tenantId, ntpId });
  await attempt('redeem the signed token', () => engine.redeemCode({ code: signed.token }));
  show('state', (await engine.ntpInstance({ tenantId, ntpId })).state);

  step('Reactivate it by setting a new endTime');
  const info = await engine.updateNtpInstance({ tenantId, ntpId, endTime: new Date(now + 7_200_000) });
  show('state', info.state);
  await attempt('redeem the signed token again', () => engine.redeemCode({ code: signed.token }));

  step('Report and tickets (an operator sees user ids and counts, never codes or emails)');
  show('report', await engine.ntpInstanceReport({ tenantId, ntpId }));
  for (const t of (await engine.listNtpTickets({ tenantId, ntpId })).tickets) show('ticket', t);

  step('Bulk issue for the whole guest list (all or nothing, up to 1 000 000 per call)');
  const festival = await engine.createNtpInstance({ tenantId, objectId: 'iq__festival', maxRedemptions: 1 });
  const { tokens } = await engine.issueNtpCodes({
    tenantId,
    ntpId: festival,
    count: 5000,
    onProgress: ({ done, total }) => {
      if (done === total) show('progress', `${done}/${total}`);
    },
  });
  show('first codes', tokens.slice(0, 3).map((t) => t.token));
  show('instances', (await engine.listNtpInstances({ tenantId })).ntpInstances.map((i) => `${i.ntpId} ${i.objectId} issued=${i.issuedTickets}`));

  step('A brute-force client is throttled after 10 invalid codes');
  for (let i = 0; i < 10; i++) await engine.redeemCode({ tenantId, code: `guess${i}x`, clientKey: '203.0.113.7' }).catch(() => undefined);
  await attempt('11th attempt, even with a valid code', () => engine.redeemCode({ tenantId, code: tokens[0]?.token ?? '', clientKey: '203.0.113.7' }));
  await attempt('another client, same code', () => engine.redeemCode({ tenantId, code: tokens[0]?.token ?? '', clientKey: '198.51.100.2' }));

  step('Delete the first instance: NOT_FOUND at once, its tickets purged in the background');
  await engine.deleteNtpInstance({ tenantId, ntpId });
  await attempt('read it', () => engine.ntpInstance({ tenantId, ntpId }));
  await attempt('redeem its signed token', () => engine.redeemCode({ code: signed.token }));
}
