import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';
import { accept, activeInstance, SECRET, setup } from './setup.js';

/** Calls with deliberately wrong shapes, as a JavaScript caller could make them. */
const loose = (engine: Engine) => engine as unknown as Record<string, (input: unknown) => Promise<unknown>>;

async function expectInvalid(call: Promise<unknown>, field: string, message: RegExp) {
  await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field });
  await expect(call).rejects.toThrow(message);
}

const METHOD_OPS = ['blockMethod', 'unblockMethod', 'deactivateMethod', 'activateMethod'] as const;
const INSTANCE_OPS = ['activateInstance', 'blockInstance', 'unblockInstance', 'deactivateInstance'] as const;

describe('method operations refuse bad input with INVALID_ARGUMENT naming the field', () => {
  it.each([...METHOD_OPS, ...INSTANCE_OPS, 'initiateInstance', 'authenticate'])('%s: unknown method type', async (op) => {
    const { engine } = setup();
    await expectInvalid(
      loose(engine)[op]!({ muid: 'u', methodType: 'FIDO2', instanceId: 'x', verify: accept }),
      'methodType',
      new RegExp(`^${op}: methodType is not a known method type \\(PASSWORD, ACTIVATION_CODE, SMS, CM, SPNEGO, TLS_CLIENT\\)$`),
    );
  });

  it.each([...METHOD_OPS, ...INSTANCE_OPS, 'initiateInstance', 'authenticate', 'methodInfo'])('%s: missing muid', async (op) => {
    const { engine } = setup();
    await expectInvalid(
      loose(engine)[op]!({ methodType: 'PASSWORD', methodTypes: ['PASSWORD'], instanceId: 'x', verify: accept }),
      'muid',
      new RegExp(`^${op}: muid is required$`),
    );
  });

  it.each([
    ['missing', undefined, /^methodInfo: methodTypes is required$/],
    ['a string', 'PASSWORD', /^methodInfo: methodTypes must be a non-empty array of method types$/],
    ['empty', [], /^methodInfo: methodTypes must be a non-empty array of method types$/],
    ['null', null, /^methodInfo: methodTypes must be a non-empty array of method types$/],
  ])('methodInfo: methodTypes %s', async (_what, methodTypes, message) => {
    const { engine } = setup();
    await expectInvalid(loose(engine)['methodInfo']!({ muid: 'u', methodTypes }), 'methodTypes', message);
  });

  it('methodInfo: names the unknown entry of methodTypes', async () => {
    const { engine } = setup();
    await expectInvalid(engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD', 'password'] }), 'methodTypes.1', /^methodInfo: methodTypes\.1 is not a known/);
  });

  it('a missing tenant with no defaultTenantId', async () => {
    const engine = createEngine({ store: memoryStore(), secret: SECRET });
    await expectInvalid(engine.blockMethod({ muid: 'u', methodType: 'SMS' }), 'tenantId', /^blockMethod: tenantId is required/);
    await expectInvalid(engine.methodInfo({ muid: 'u', methodTypes: ['SMS'] }), 'tenantId', /^methodInfo: tenantId is required/);
    // An explicit tenant works without a default.
    await engine.blockMethod({ tenantId: 't', muid: 'u', methodType: 'SMS' });
    expect((await engine.methodInfo({ tenantId: 't', muid: 'u', methodTypes: ['SMS'] })).methodInfo[0]!.state).toBe('BLOCKED');
  });

  it('ids: empty, too long or with control characters', async () => {
    const { engine } = setup();
    await expectInvalid(engine.blockMethod({ muid: '', methodType: 'SMS' }), 'muid', /^blockMethod: muid must be 1 to 256 characters$/);
    await expectInvalid(engine.blockMethod({ tenantId: 'a\nb', muid: 'u', methodType: 'SMS' }), 'tenantId', /control characters/);
    await expectInvalid(engine.blockInstance({ muid: 'u', methodType: 'SMS', instanceId: 'x'.repeat(359) }), 'instanceId', /1 to 358/);
    await expectInvalid(engine.initiateInstance({ muid: 'u', methodType: 'SMS', instanceId: 'x'.repeat(257) }), 'instanceId', /1 to 256/);
  });

  it('unknown fields and non-object options', async () => {
    const { engine } = setup();
    await expectInvalid(loose(engine)['blockMethod']!({ muid: 'u', methodType: 'SMS', tenant: 'x' }), 'tenant', /^blockMethod: tenant is not a known option$/);
    await expectInvalid(loose(engine)['methodInfo']!(null), 'options', /^methodInfo: options must be an object$/);
  });

  it('authenticate: verify must be a function', async () => {
    const { engine } = setup();
    await expectInvalid(loose(engine)['authenticate']!({ muid: 'u', methodType: 'SMS' }), 'verify', /^authenticate: verify is required$/);
    await expectInvalid(loose(engine)['authenticate']!({ muid: 'u', methodType: 'SMS', verify: true }), 'verify', /must be a function/);
  });

  it('initiateInstance: data must be JSON of at most 4 KiB', async () => {
    const { engine } = setup();
    const muid = 'u';
    // 4096 bytes exactly: a JSON string of 4094 characters plus its quotes.
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'fits', data: 'x'.repeat(4094) });
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: 'x'.repeat(4095) }), 'data', /^initiateInstance: data must be at most 4096 bytes as JSON$/);
    // Multi-byte characters count as bytes, not characters.
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: 'é'.repeat(2048) }), 'data', /at most 4096 bytes/);
    for (const data of [new Date(), Number.NaN, { a: undefined }, () => 1]) {
      await expectInvalid(loose(engine)['initiateInstance']!({ muid, methodType: 'CM', data }), 'data', /^initiateInstance: data must be JSON/);
    }
    const [cm] = (await engine.methodInfo({ muid, methodTypes: ['CM'] })).methodInfo;
    expect(cm!.instances.map((i) => i.instanceId)).toEqual(['fits']);
  });

  it('initiateInstance: data nested deep, cyclic, wide or huge is INVALID_ARGUMENT naming data, never a RangeError', async () => {
    const { engine } = setup();
    const muid = 'u';
    const nest = (levels: number, leaf: unknown = 1) => {
      let v: unknown = leaf;
      for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };
    // 32 levels fit; 33 do not.
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'deep-enough', data: nest(32) as never });
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: nest(33) as never }), 'data', /^initiateInstance: data must be nested at most 32 levels deep$/);
    for (const levels of [1_500, 100_000]) {
      await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: nest(levels) as never }), 'data', /^initiateInstance: data must be nested at most 32 levels deep$/);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expectInvalid(loose(engine)['initiateInstance']!({ muid, methodType: 'CM', data: cyclic }), 'data', /^initiateInstance: data must be nested at most 32 levels deep$/);
    const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]));
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: wide }), 'data', /at most 4096 bytes/);
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: new Array(1_000_000).fill(0) }), 'data', /at most 4096 bytes/);
    await expectInvalid(engine.initiateInstance({ muid, methodType: 'CM', data: 'x'.repeat(50_000_000) }), 'data', /at most 4096 bytes/);
    const throwing = { get boom(): never { throw new Error('getter'); } };
    await expectInvalid(loose(engine)['initiateInstance']!({ muid, methodType: 'CM', data: throwing }), 'data', /must be JSON/);
    const [cm] = (await engine.methodInfo({ muid, methodTypes: ['CM'] })).methodInfo;
    expect(cm!.instances.map((i) => i.instanceId)).toEqual(['deep-enough']);
  });
});

describe('unknown instances are NOT_FOUND and change nothing', () => {
  it.each(INSTANCE_OPS)('%s', async (op) => {
    const { engine, events } = setup();
    const sms = await activeInstance(engine, 'u', 'SMS');
    events.length = 0;
    const before = await engine.methodInfo({ muid: 'u', methodTypes: ['SMS', 'PASSWORD'] });
    await expect(engine[op]({ muid: 'u', methodType: 'SMS', instanceId: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine[op]({ muid: 'u', methodType: 'SMS', instanceId: 'missing' })).rejects.toThrow(
      new RegExp(`^${op}: instance missing of method SMS not found$`),
    );
    // Right id, wrong method type or wrong user: as unknown.
    await expect(engine[op]({ muid: 'u', methodType: 'PASSWORD', instanceId: sms })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine[op]({ muid: 'v', methodType: 'SMS', instanceId: sms })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await engine.methodInfo({ muid: 'u', methodTypes: ['SMS', 'PASSWORD'] })).toEqual(before);
    expect(events).toEqual([]);
  });
});

describe('configured method types', () => {
  it('adds types and changes the cardinality of built-in ones', async () => {
    const engine = createEngine({
      store: memoryStore(),
      secret: SECRET,
      defaultTenantId: 't',
      methodTypes: { FIDO2: 'multi', SMS: 'multi', CM: 'single' },
    });
    for (const methodType of ['FIDO2', 'SMS']) {
      await activeInstance(engine, 'u', methodType, `${methodType}-1`);
      await activeInstance(engine, 'u', methodType, `${methodType}-2`);
    }
    await activeInstance(engine, 'u', 'CM', 'CM-1');
    await activeInstance(engine, 'u', 'CM', 'CM-2');
    const { methodInfo } = await engine.methodInfo({ muid: 'u', methodTypes: ['FIDO2', 'SMS', 'CM'] });
    expect(methodInfo.map((m) => m.activeInstances)).toEqual([2, 2, 1]);
  });
});
