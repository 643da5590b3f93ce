import { describe, expect, it } from 'vitest';
import type { BulkIssueProgress, Commit } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { BATCH_LEASE_MS } from '../../src/ntp/batches.js';
import { instancePartition } from '../../src/layout.js';
import { T, eventually, faultyStore, instance, rejects, setup, sibling, type Setup } from './support.js';

const isTicketChunk = (c: Commit) => c.ops.some((op) => op.type === 'put' && op.key.startsWith('t:'));

/**
 * A memory store (64 ops per commit) that holds the third ticket commit of a
 * bulk call until `resume()`; `paused` settles when it is held. `rearm()`
 * counts ticket commits from zero again (after a bulk call that should pass).
 */
function pausingAtThirdTicketChunk() {
  let chunks = 0;
  let resume = (): void => undefined;
  let held = (): void => undefined;
  const paused = new Promise<void>((resolve) => (held = resolve));
  const store = faultyStore(memoryStore({ maxOpsPerCommit: 64 }), (c) => {
    if (!isTicketChunk(c) || ++chunks !== 3) return undefined;
    held();
    return new Promise<void>((resolve) => (resume = resolve));
  });
  return { store, paused, resume: () => resume(), rearm: () => void (chunks = 0) };
}
// The finishing commit: the batch's record goes while it is still pending (an abort's closing commit finds it aborted).
const isDone = (c: Commit) =>
  c.ops.some((op) => op.type === 'delete' && op.key.startsWith('b:')) && (c.checks ?? []).some((k) => k.type === 'fields' && k.equals['state'] === 'pending');

/** The instance partition as stored: its tickets, how many carry a batch mark, its batch records, the batches it lists as open. */
async function stored(s: Setup, ntpId: string) {
  const records: { key: string; value: Record<string, unknown> }[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.store.scan({ partition: instancePartition(T, ntpId), limit: 1000, now: s.clock.now(), ...(cursor === undefined ? {} : { cursor }) });
    records.push(...page.records.map((r) => ({ key: r.key, value: r.record.value })));
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  const tickets = records.filter((r) => r.key.startsWith('t:'));
  const open = records.find((r) => r.key === 'inst')?.value['openBatches'] ?? [];
  return { tickets: tickets.length, marked: tickets.filter((r) => 'batch' in r.value).length, batches: records.filter((r) => r.key.startsWith('b:')).length, open };
}

/** Whether any directory entry of the tenant still points at `ntpId`. */
async function pointedAt(s: Setup, ntpId: string): Promise<boolean> {
  const snap = await s.store.snapshot(s.clock.now());
  return Object.values(snap).some((p) => Object.values(p.records).some((r) => r.value['ntpId'] === ntpId && !('objectId' in r.value)));
}

describe('issueNtpCodes', () => {
  it('lets the event loop run while it works on a synchronous store', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    try {
      await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 3000 });
    } finally {
      clearInterval(timer);
    }
    // Without yielding, a timer would not fire once during the whole call.
    expect(ticks).toBeGreaterThan(0);
  });

  it('issues count codes that all redeem, reporting progress up to the total, with one event', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    const progress: BulkIssueProgress[] = [];
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 120, onProgress: (p) => progress.push(p) });
    expect(tokens).toHaveLength(120);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(120);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ done: 120, total: 120 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    for (const t of tokens) expect(await s.engine.redeemCode({ tenantId: T, code: t.token })).toBe('iq__object');
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(120);
    expect(s.events.filter((e) => e.type === 'ntp.code.issued')).toEqual([{ type: 'ntp.code.issued', tenantId: T, at: s.clock.now(), ntpId, count: 120 }]);
    // Done by one commit that lists the batch no more: its tickets keep their mark, never rewritten.
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 120, marked: 120, batches: 0, open: [] });
  });

  it('issues one ticket per email, in order, each bound to its email (a blank one unbound)', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const emails = ['a@x.org', ' ', 'B@x.org'];
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, emails });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: tokens[0]!.token, email: 'b@x.org' }), 'INVALID_CODE');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: tokens[0]!.token, email: 'A@x.org' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: tokens[1]!.token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: tokens[2]!.token, email: 'b@x.org' })).toBe('iq__object');
    const { tickets } = await s.engine.listNtpTickets({ tenantId: T, ntpId });
    expect(tickets.map((t) => [t.userId, t.emailBound])).toEqual(tokens.map((t, i) => [t.userId, i !== 1]));
  });

  it.each([
    [{}, 'count'],
    [{ count: 2, emails: ['a@x.org'] }, 'count'],
    [{ count: 0 }, 'count'],
    [{ count: 1_000_001 }, 'count'],
    [{ emails: [] }, 'emails'],
    [{ emails: [7] }, 'emails.0'],
    [{ count: 1, onProgress: 'yes' }, 'onProgress'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (bad, field) => {
    const s = setup();
    const ntpId = await instance(s);
    const error = await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, ...bad } as never), 'INVALID_ARGUMENT');
    expect(error.field).toBe(field);
  });

  it('hands the same codes out packed (issueNtpCodesPacked): by position, iterated, in emails order, only once all are issued', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    const emails = ['a@x.org', null, 'c@x.org'];
    let progressed = 0;
    const packed = await s.engine.issueNtpCodesPacked({ tenantId: T, ntpId, emails, onProgress: (p) => (progressed = p.done) });
    expect(progressed).toBe(3);
    expect(packed.count).toBe(3);
    const codes = [...packed];
    expect(codes).toEqual([0, 1, 2].map((i) => packed.at(i)));
    expect(new Set(codes.map((c) => c.token)).size).toBe(3);
    for (const c of codes) {
      expect(c.token).toMatch(/^[1-9A-HJ-NP-Za-km-z]{6}$/);
      expect(c.userId).toMatch(/^iusr[1-9A-HJ-NP-Za-km-z]{28}$/);
    }
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId })).tickets.map((t) => t.userId)).toEqual(codes.map((c) => c.userId));
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: codes[0]!.token, email: 'A@x.org' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, code: codes[1]!.token })).toBe('iq__object');
    expect(() => packed.at(3)).toThrow(RangeError);
    expect(() => packed.at(-1)).toThrow(RangeError);
    // Validation is the same as issueNtpCodes', named for the operation called.
    const error = await rejects(s.engine.issueNtpCodesPacked({ tenantId: T, ntpId, count: 0 }), 'INVALID_ARGUMENT');
    expect(error.message).toMatch(/^issueNtpCodesPacked: /);
  });

  it('refuses with TICKET_LIMIT a call that does not fit, issuing nothing of it', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 10 });
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 8 });
    const before = await s.store.snapshot(s.clock.now());
    await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 3 }), 'TICKET_LIMIT');
    expect(await s.store.snapshot(s.clock.now())).toEqual(before);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 2 });
  });

  it('never over-issues under concurrent bulk calls', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 100 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 30 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(90);
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId, count: 1000 })).total).toBe(90);
  });

  it('when onProgress throws, its error propagates, nothing redeems and the quota is released', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s, { maxTickets: 100 });
    const failure = new Error('host says stop');
    await expect(
      s.engine.issueNtpCodes({
        tenantId: T,
        ntpId,
        count: 100,
        onProgress: ({ done }) => {
          if (done > 30) throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 0, batches: 0, open: [] });
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(0);
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId })).total).toBe(0);
    expect(await pointedAt(s, ntpId)).toBe(false);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100 });
  });

  it.each([
    ['deleted', 'NOT_FOUND', (s: Setup, ntpId: string) => s.engine.deleteNtpInstance({ tenantId: T, ntpId })],
    ['suspended', 'EXPIRED', (s: Setup, ntpId: string) => s.engine.suspendNtpInstance({ tenantId: T, ntpId })],
  ] as const)('stops when the instance is %s mid-call (%s), leaving none of its tickets', async (_, code, interrupt) => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    let once = false;
    await rejects(
      s.engine.issueNtpCodes({
        tenantId: T,
        ntpId,
        count: 100,
        onProgress: () => {
          if (!once) void interrupt(s, ntpId);
          once = true;
        },
      }),
      code,
    );
    // A suspended instance's batch is closed by the call; a deleted one's partition is purged.
    await eventually(async () => (await stored(s, ntpId)).tickets === 0 && (await stored(s, ntpId)).batches === 0);
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 0, batches: 0 });
  });

  it('releases the quota of a call stopped by a suspension', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100, onProgress: () => void s.engine.suspendNtpInstance({ tenantId: T, ntpId }) }), 'EXPIRED');
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(0);
  });

  it('succeeds when its done commit applied but the answer was lost', async () => {
    let lose = true;
    const s = setup({ store: faultyStore(memoryStore(), (c) => (isDone(c) && lose ? ((lose = false), 'apply-then-fail') : undefined)) });
    const ntpId = await instance(s);
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 5 });
    expect(lose).toBe(false);
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: tokens[4]!.token })).toBe('iq__object');
  });

  it('fails with STORE_UNAVAILABLE and issues nothing when the store fails mid-call', async () => {
    let chunks = 0;
    const s = setup({ store: faultyStore(memoryStore({ maxOpsPerCommit: 64 }), (c) => (isTicketChunk(c) && ++chunks === 3 ? 'fail' : undefined)) });
    const ntpId = await instance(s, { maxTickets: 100 });
    await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100 }), 'STORE_UNAVAILABLE');
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 0, batches: 0 });
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(0);
  });

  it("a dead process's batch never redeems and its quota returns once its lease lapses", async () => {
    const shared = memoryStore({ maxOpsPerCommit: 64 });
    let chunks = 0;
    let died = (): void => undefined;
    const death = new Promise<void>((resolve) => (died = resolve));
    const dying = setup({
      store: faultyStore(shared, (c) => {
        // Tickets go 30 to a commit of 64 ops (their index entries follow in commits of their own).
        if (!isTicketChunk(c) || ++chunks <= 1) return undefined;
        died();
        return 'hang';
      }),
    });
    const ntpId = await instance(dying, { maxTickets: 50 });
    void dying.engine.issueNtpCodes({ tenantId: T, ntpId, count: 50 });
    await death;
    const s = setup({ store: shared });
    s.clock.set(dying.clock.now());
    const left = await stored(s, ntpId);
    // One chunk landed before the "death"; every one of its tickets still carries the batch mark.
    expect(left.tickets).toBeGreaterThan(0);
    expect(left.tickets).toBeLessThan(50);
    expect(left.marked).toBe(left.tickets);
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId })).tickets).toEqual([]);
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    s.clock.advance(BATCH_LEASE_MS + 1);
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(1);
    await eventually(async () => (await stored(s, ntpId)).batches === 0);
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 1, marked: 0, batches: 0, open: [] });
  });

  it('loses its batch (CONFLICT) when its lease lapsed and another process reclaimed it', async () => {
    const gate = pausingAtThirdTicketChunk();
    const s = setup({ store: gate.store });
    const ntpId = await instance(s, { maxTickets: 100 });
    const bulk = s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100 });
    await gate.paused;
    // The writer stalls past its lease; another process needing quota reclaims the batch.
    s.clock.advance(BATCH_LEASE_MS + 1);
    await sibling(s).issueNtpCode({ tenantId: T, ntpId });
    gate.resume();
    await rejects(bulk, 'CONFLICT');
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(1);
    await eventually(async () => (await stored(s, ntpId)).batches === 0);
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 1, batches: 0 });
  });

  it('replaces codes already held in the tenant (short codes collide)', async () => {
    const s = setup();
    // Opted out of the guessing floor: 16 000 four-character codes are exactly what it forbids.
    const ntpId = await instance(s, { ticketLength: 4, allowGuessableCodes: true });
    const first = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 8_000 });
    const second = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 8_000 });
    const all = [...first.tokens, ...second.tokens].map((t) => t.token);
    expect(new Set(all).size).toBe(16_000);
  });

  it('makes its codes redeem in one commit each, without rewriting a ticket after the call', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 50 });
    s.store.clearCalls();
    // A first redemption: its commit, and the report's redeemedTickets commit it dispatches. No read.
    for (const t of tokens.slice(0, 10)) expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: t.token })).toBe('iq__object');
    await eventually(async () => s.store.calls.length === 20);
    expect(new Set(s.store.calls.map((c) => c.method))).toEqual(new Set(['commit']));
    s.store.clearCalls();
    for (const t of tokens.slice(0, 10)) expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: t.token })).toBe('iq__object');
    expect(s.store.calls.map((c) => c.method)).toEqual(Array.from({ length: 10 }, () => 'commit'));
  });

  it('keeps a running batch out through an update of the instance, and finishes against the updated instance', async () => {
    const gate = pausingAtThirdTicketChunk();
    const s = setup({ store: gate.store });
    const ntpId = await instance(s, { maxTickets: 200 });
    const before = (await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 5 })).tokens;
    gate.rearm();
    const bulk = s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100 });
    await gate.paused;
    // Another process rewrites the instance record while the batch is open.
    const other = sibling(s);
    await other.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 7 });
    const writing = await stored(s, ntpId);
    expect(writing.open).toEqual([2]);
    expect(writing.tickets).toBeGreaterThan(5);
    expect((await other.listNtpTickets({ tenantId: T, ntpId, count: 1000 })).tickets).toHaveLength(5);
    // The first batch's codes still redeem while the second is open (a read first: its mark is checked against the list).
    expect(await other.redeemCode({ tenantId: T, ntpId, code: before[0]!.token })).toBe('iq__object');
    gate.resume();
    const { tokens } = await bulk;
    expect(await stored(s, ntpId)).toMatchObject({ tickets: 105, batches: 0, open: [] });
    expect(await other.redeemCode({ tenantId: T, code: tokens[99]!.token })).toBe('iq__object');
    expect((await other.ntpCodeStatus({ tenantId: T, code: tokens[0]!.token })).maxRedemptions).toBe(7);
  });

  it('issues 100 000 codes in one call', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 100_000, ticketLength: 7 });
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 100_000 });
    expect(new Set(tokens.map((t) => t.token)).size).toBe(100_000);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(100_000);
    for (const i of [0, 4_999, 50_000, 99_999]) expect(await s.engine.redeemCode({ tenantId: T, code: tokens[i]!.token })).toBe('iq__object');
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
  }, 120_000);
});
