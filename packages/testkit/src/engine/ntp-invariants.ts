import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Engine, RedeemCodeOptions } from '@ntpass/core';
import { snapshotStrings } from '@ntpass/core/testing';
import { outcome, type NtpHarness } from './ntp-harness.js';
import { expectIssue, expectRedeem, normalize, remaining, type ModelInstance, type ModelTicket, type Outcome, type Via } from './ntp-model.js';

/*
 * Random workloads over two tenants, two engines and a fake clock, checked
 * call by call against the model (SPEC §6 invariants 1, 2, 3, 6), with bursts
 * of concurrent redemptions and issues, and at the end a scan of everything
 * stored for plaintext codes and emails (invariant 7).
 */

const EMAILS = [undefined, 'ann@example.org', 'bob@example.org'] as const;
/** What a holder types: nothing, the right email in another case, someone else's. */
const TYPED = [undefined, '  ANN@example.org ', 'bob@example.org'] as const;
const OFFSETS = [null, -1000, 500, 2000] as const;

const nat = fc.nat({ max: 50 });
const engineIx = fc.constantFrom(0, 1);
const offset = fc.constantFrom(...OFFSETS);

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

/** One step of a workload; redemptions and issues weigh most, so tickets exist to be redeemed. */
export const ntpAction = fc.oneof(
  w(2, fc.record({ kind: fc.constant('create' as const), tenant: fc.constantFrom(0, 1), maxTickets: fc.nat({ max: 4 }), maxRedemptions: fc.integer({ min: 1, max: 4 }), start: offset, end: offset })),
  w(5, fc.record({ kind: fc.constant('issue' as const), inst: nat, signed: fc.boolean(), email: fc.nat({ max: 2 }), cap: fc.nat({ max: 4 }), engine: engineIx })),
  w(2, fc.record({ kind: fc.constant('bulk' as const), inst: nat, count: fc.integer({ min: 1, max: 4 }), withEmails: fc.boolean(), engine: engineIx })),
  w(8, fc.record({ kind: fc.constant('redeem' as const), ticket: nat, via: fc.constantFrom<Via>('instance', 'tenant', 'issuer', 'otherTenant', 'otherInstance', 'codeOnly'), typed: fc.nat({ max: 2 }), engine: engineIx })),
  w(2, fc.record({ kind: fc.constant('status' as const), ticket: nat, via: fc.constantFrom<Via>('instance', 'tenant', 'otherTenant', 'codeOnly'), typed: fc.nat({ max: 2 }), engine: engineIx })),
  w(2, fc.record({ kind: fc.constant('burst' as const), ticket: nat, redeems: fc.integer({ min: 2, max: 25 }), issues: fc.nat({ max: 8 }) })),
  w(1, fc.record({ kind: fc.constant('suspend' as const), inst: nat, engine: engineIx })),
  w(2, fc.record({ kind: fc.constant('update' as const), inst: nat, maxRedemptions: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), maxTickets: fc.option(fc.nat({ max: 4 }), { nil: undefined }), start: fc.option(offset, { nil: undefined }), end: fc.option(offset, { nil: undefined }), engine: engineIx })),
  w(1, fc.record({ kind: fc.constant('revoke' as const), ticket: nat, byUser: fc.boolean(), engine: engineIx })),
  w(1, fc.record({ kind: fc.constant('delete' as const), inst: nat, engine: engineIx })),
  w(2, fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1, 499, 500, 1000, 2500) })),
);

export type NtpAction = typeof ntpAction extends fc.Arbitrary<infer A> ? A : never;

interface World {
  readonly h: NtpHarness;
  readonly instances: ModelInstance[];
  readonly tickets: (ModelTicket & { readonly userId: string })[];
}

const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[i % items.length]);
const at = (now: number, o: number | null): number | null => (o === null ? null : now + o);

/** Runs one call; a rule error must leave the stored state exactly as it was (invariant 6). */
async function checked(w: World, expected: Outcome, call: () => Promise<unknown>, what: string): Promise<Outcome> {
  const before = expected === 'ok' ? null : await w.h.state();
  const actual = await outcome(call());
  assert.equal(actual, expected, `${what}: expected ${expected}, got ${actual}`);
  if (before !== null) assert.deepEqual(await w.h.state(), before, `${what} was refused (${actual}) but changed the store`);
  return actual;
}

function redeemOptions(w: World, t: World['tickets'][number], via: Via, typed: string | undefined): RedeemCodeOptions {
  const { tenantId, ntpId } = t.instance;
  const email = typed === undefined ? {} : { email: typed };
  switch (via) {
    case 'instance':
      return { tenantId, ntpId, code: t.token, ...email };
    case 'tenant':
      return { tenantId, code: t.token, ...email };
    case 'issuer':
      return t.signed ? { code: t.token, ...email } : { issuer: `/otp/ntp/${encodeURIComponent(tenantId)}`, code: t.token, ...email };
    case 'otherTenant':
      return { tenantId: w.h.tenants.find((x) => x !== tenantId) ?? 'nobody', ntpId, code: t.token, ...email };
    case 'otherInstance': {
      const other = w.instances.find((i) => i.tenantId === tenantId && i.ntpId !== ntpId);
      return { tenantId, ntpId: other?.ntpId ?? 'QOTP11111111111', code: t.token, ...email };
    }
    case 'codeOnly':
      return { tenantId, ntpId, code: t.token.split('.')[0] ?? '', ...email };
  }
}

async function step(w: World, a: NtpAction): Promise<void> {
  const { h } = w;
  const now = h.clock.now();
  const engine = (i: number): Engine => h.engines[i % 2] as Engine;
  switch (a.kind) {
    case 'create': {
      const startTime = at(now, a.start);
      const endTime = at(now, a.end);
      const valid = startTime === null || endTime === null || startTime < endTime;
      const tenantId = h.tenants[a.tenant] ?? h.tenants[0];
      let ntpId = '';
      await checked(w, valid ? 'ok' : 'INVALID_ARGUMENT', async () => {
        ntpId = await h.engines[0].createNtpInstance({ tenantId, objectId: `obj-${w.instances.length}`, maxTickets: a.maxTickets, maxRedemptions: a.maxRedemptions, startTime, endTime, ticketLength: 8 });
      }, 'createNtpInstance');
      if (valid) w.instances.push({ tenantId, ntpId, maxTickets: a.maxTickets, maxRedemptions: a.maxRedemptions, startTime, endTime, suspended: false, deleted: false, issued: 0 });
      return;
    }
    case 'issue': {
      const i = pick(w.instances, a.inst);
      if (!i) return;
      const email = EMAILS[a.email];
      const options = { tenantId: i.tenantId, ntpId: i.ntpId, ...(email ? { email } : {}), ...(a.cap > 0 ? { maxRedemptions: a.cap } : {}) };
      let issued = { token: '', userId: '' };
      const result = await checked(w, expectIssue(i, 1, now), async () => {
        issued = await (a.signed ? engine(a.engine).issueSignedNtpCode(options) : engine(a.engine).issueNtpCode(options));
      }, 'issueNtpCode');
      if (result !== 'ok') return;
      i.issued += 1;
      w.tickets.push({ instance: i, ...issued, signed: a.signed, email: normalize(email), cap: Math.min(a.cap || Infinity, i.maxRedemptions), revoked: false, redemptions: 0 });
      return;
    }
    case 'bulk': {
      const i = pick(w.instances, a.inst);
      if (!i) return;
      const emails = a.withEmails ? Array.from({ length: a.count }, (_, k) => EMAILS[k % 3] ?? '') : undefined;
      let tokens: readonly { token: string; userId: string }[] = [];
      const result = await checked(w, expectIssue(i, a.count, now), async () => {
        ({ tokens } = await engine(a.engine).issueNtpCodes({ tenantId: i.tenantId, ntpId: i.ntpId, ...(emails ? { emails } : { count: a.count }) }));
      }, 'issueNtpCodes');
      if (result !== 'ok') return;
      i.issued += a.count;
      tokens.forEach((t, k) => w.tickets.push({ instance: i, ...t, signed: false, email: normalize(emails?.[k]), cap: i.maxRedemptions, revoked: false, redemptions: 0 }));
      return;
    }
    case 'redeem': {
      const t = pick(w.tickets, a.ticket);
      if (!t) return;
      const typed = TYPED[a.typed];
      const expected = expectRedeem(t, a.via, typed, now);
      await checked(w, expected, () => engine(a.engine).redeemCode(redeemOptions(w, t, a.via, typed)), `redeemCode via ${a.via}`);
      if (expected === 'ok') t.redemptions += 1;
      return;
    }
    case 'status': {
      const t = pick(w.tickets, a.ticket);
      if (!t) return;
      const typed = TYPED[a.typed];
      const expected = expectRedeem(t, a.via, typed, now);
      const before = await h.state();
      const status = await engine(a.engine).ntpCodeStatus(redeemOptions(w, t, a.via, typed));
      assert.equal(status.reason ?? 'ok', expected, `ntpCodeStatus via ${a.via}`);
      assert.equal(status.valid, expected === 'ok');
      if (expected !== 'INVALID_CODE') assert.equal(status.redemptions, t.redemptions, 'ntpCodeStatus: redemptions');
      assert.deepEqual(await h.state(), before, 'ntpCodeStatus changed the store');
      return;
    }
    case 'burst': {
      const t = pick(w.tickets, a.ticket);
      if (!t) return;
      const i = t.instance;
      const left = Math.min(a.redeems, remaining(t, now));
      const quota = expectIssue(i, 1, now) !== 'ok' ? 0 : i.maxTickets > 0 ? Math.max(0, i.maxTickets - i.issued) : a.issues;
      const redeems = Array.from({ length: a.redeems }, (_, k) => outcome(engine(k).redeemCode(redeemOptions(w, t, 'instance', t.email ?? undefined))));
      const issues = Array.from({ length: a.issues }, (_, k) => engine(k + 1).issueNtpCode({ tenantId: i.tenantId, ntpId: i.ntpId }).then((x) => x, () => null));
      const [redeemed, issued] = await Promise.all([Promise.all(redeems), Promise.all(issues)]);
      assert.equal(redeemed.filter((r) => r === 'ok').length, left, 'concurrent redemptions must count exactly up to the cap (invariant 1)');
      const won = issued.filter((x): x is { token: string; userId: string } => x !== null);
      assert.equal(won.length, Math.min(a.issues, quota), 'concurrent issues must stop exactly at maxTickets (invariant 2)');
      t.redemptions += left;
      i.issued += won.length;
      for (const x of won) w.tickets.push({ instance: i, ...x, signed: false, email: null, cap: i.maxRedemptions, revoked: false, redemptions: 0 });
      return;
    }
    case 'suspend': {
      const i = pick(w.instances, a.inst);
      if (!i) return;
      const result = await checked(w, i.deleted ? 'NOT_FOUND' : 'ok', () => engine(a.engine).suspendNtpInstance({ tenantId: i.tenantId, ntpId: i.ntpId }), 'suspendNtpInstance');
      if (result === 'ok') i.suspended = true;
      return;
    }
    case 'update': {
      const i = pick(w.instances, a.inst);
      if (!i) return;
      const startTime = a.start === undefined ? i.startTime : at(now, a.start);
      const endTime = a.end === undefined ? i.endTime : at(now, a.end);
      const expected = i.deleted ? 'NOT_FOUND' : startTime !== null && endTime !== null && startTime >= endTime ? 'INVALID_ARGUMENT' : 'ok';
      const options = {
        tenantId: i.tenantId,
        ntpId: i.ntpId,
        ...(a.maxRedemptions === undefined ? {} : { maxRedemptions: a.maxRedemptions }),
        ...(a.maxTickets === undefined ? {} : { maxTickets: a.maxTickets }),
        ...(a.start === undefined ? {} : { startTime }),
        ...(a.end === undefined ? {} : { endTime }),
      };
      if ((await checked(w, expected, () => engine(a.engine).updateNtpInstance(options), 'updateNtpInstance')) !== 'ok') return;
      i.maxRedemptions = a.maxRedemptions ?? i.maxRedemptions;
      i.maxTickets = a.maxTickets ?? i.maxTickets;
      i.startTime = startTime;
      i.endTime = endTime;
      if (a.end !== undefined) i.suspended = false;
      return;
    }
    case 'revoke': {
      const t = pick(w.tickets, a.ticket);
      if (!t) return;
      const ref = { tenantId: t.instance.tenantId, ntpId: t.instance.ntpId };
      const options = a.byUser ? { ...ref, userId: t.userId } : { ...ref, code: t.token };
      const result = await checked(w, t.instance.deleted ? 'NOT_FOUND' : 'ok', () => engine(a.engine).revokeNtpCode(options), 'revokeNtpCode');
      if (result === 'ok') t.revoked = true;
      return;
    }
    case 'delete': {
      const i = pick(w.instances, a.inst);
      if (!i) return;
      const result = await checked(w, i.deleted ? 'NOT_FOUND' : 'ok', () => engine(a.engine).deleteNtpInstance({ tenantId: i.tenantId, ntpId: i.ntpId }), 'deleteNtpInstance');
      if (result === 'ok') i.deleted = true;
      // The purge moves the state in the background; let it finish before the next comparison.
      await h.purged();
      return;
    }
    case 'advance':
      h.clock.advance(a.ms);
      return;
  }
}

/** Runs a workload against a fresh harness and checks every invariant along the way and at the end. */
export async function runNtpWorkload(h: NtpHarness, actions: readonly NtpAction[]): Promise<void> {
  const w: World = { h, instances: [], tickets: [] };
  for (const a of [{ kind: 'create', tenant: 0, maxTickets: 0, maxRedemptions: 3, start: null, end: null } as const, ...actions]) await step(w, a);
  // Invariant 2, and the counters agree with the model.
  for (const i of w.instances.filter((x) => !x.deleted)) {
    const info = await h.engines[0].ntpInstance({ tenantId: i.tenantId, ntpId: i.ntpId });
    assert.equal(info.issuedTickets, i.issued, 'issuedTickets');
    const redemptions = w.tickets.filter((t) => t.instance === i).reduce((n, t) => n + t.redemptions, 0);
    assert.equal(info.redemptions, redemptions, 'redemptions');
  }
  await assertNoPlaintext(h, w.tickets.map((t) => t.token.split('.')[0] ?? t.token), EMAILS.flatMap((e) => (e === undefined ? [] : [e])));
}

/** Invariant 7: no code or email, in any case, appears anywhere in the store. */
export async function assertNoPlaintext(h: NtpHarness, codes: readonly string[], emails: readonly string[]): Promise<void> {
  const strings = snapshotStrings(await h.store.snapshot(h.clock.now())).map((s) => s.toLowerCase());
  for (const secret of [...codes, ...emails]) {
    const needle = secret.toLowerCase();
    const found = strings.find((s) => s.includes(needle));
    assert.equal(found, undefined, `a code or email was stored in plaintext`);
  }
}
