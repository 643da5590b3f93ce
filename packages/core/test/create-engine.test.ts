import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '@ntpass/store-memory';
import { createEngine, isNtpassError, type EngineOptions } from '../src/index.js';
import { TEST_SECRET } from '../src/testing/index.js';

const secret = TEST_SECRET;

function invalid(options: unknown, field: RegExp): void {
  try {
    createEngine(options as EngineOptions);
    expect.unreachable('createEngine should throw');
  } catch (e) {
    expect(isNtpassError(e) && e.code).toBe('INVALID_ARGUMENT');
    expect((e as Error).message).toMatch(/^createEngine: /);
    expect((e as Error).message).toMatch(field);
  }
}

describe('createEngine', () => {
  it('creates an engine from a store and a secret, and closes', async () => {
    const engine = createEngine({ store: memoryStore(), secret });
    await engine.close();
  });

  it('refuses a missing store, a short secret, an unknown option', () => {
    invalid({ secret }, /store is required/);
    invalid({ store: {}, secret }, /store must implement read/);
    invalid({ store: memoryStore() }, /secret is required/);
    invalid({ store: memoryStore(), secret: 'short' }, /secret must be at least 32 bytes/);
    invalid({ store: memoryStore(), secret: new Uint8Array(31) }, /secret must be at least 32 bytes/);
    invalid({ store: memoryStore(), secret, colour: 'red' }, /options\.colour is not a known option/);
    invalid(null, /options must be an object/);
  });

  it('refuses constant and low-entropy secrets with INVALID_ARGUMENT naming secret', () => {
    const store = memoryStore();
    invalid({ store, secret: 'x'.repeat(32) }, /secret must not be a constant or low-entropy value \(it has 1 distinct bytes/);
    invalid({ store, secret: new Uint8Array(64) }, /secret must not be a constant or low-entropy value/);
    invalid({ store, secret: 'test-secret-test-secret-test-secret!' }, /secret must not be a constant or low-entropy value/);
    invalid({ store, secret: 'abcdefghijklmnopq'.repeat(2) }, /secret must not repeat a shorter pattern/);
    invalid({ store, secret: '0123456789abcdef'.repeat(4) }, /secret must not be a constant or low-entropy value/);
  });

  it('accepts random secrets however they are spelled: bytes, base64, hex', async () => {
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(32);
      for (const secret of [bytes, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()]) {
        await createEngine({ store: memoryStore(), secret }).close();
      }
    }
    await createEngine({ store: memoryStore(), secret: randomBytes(16).toString('hex') }).close();
  });

  it('validates nested options, naming the path', () => {
    const store = memoryStore();
    invalid({ store, secret, lockout: { maxFailedAttempts: 0 } }, /lockout\.maxFailedAttempts must be a positive integer/);
    invalid({ store, secret, lockout: { tries: 3 } }, /lockout\.tries is not a known option/);
    invalid({ store, secret, lockout: { byMethodType: { SMS: { lockoutMs: -1 } } } }, /lockout\.byMethodType\.SMS\.lockoutMs/);
    invalid({ store, secret, redeemThrottle: { windowMs: 1.5 } }, /redeemThrottle\.windowMs/);
    invalid({ store, secret, methodTypes: { FIDO2: 'many' } }, /methodTypes\.FIDO2 must be "single" or "multi"/);
    invalid({ store, secret, methodTypes: { 'bad type': 'multi' } }, /methodTypes\.bad type/);
    invalid({ store, secret, clock: 5 }, /clock must be a function/);
    invalid({ store, secret, onEvent: 'log' }, /onEvent must be a function/);
    invalid({ store, secret, defaultTenantId: '' }, /defaultTenantId/);
    invalid({ store, secret, signingKey: 'not a pem' }, /signingKey must be an Ed25519 private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    invalid({ store, secret, signingKey: rsa.privateKey }, /signingKey must be an Ed25519/);
    invalid({ store, secret, verifyKeys: { k1: rsa.publicKey } }, /verifyKeys\.k1 must be an Ed25519 public key/);
  });

  it('accepts Ed25519 keys as KeyObjects or PEM', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await createEngine({ store: memoryStore(), secret, signingKey: pem, signingKeyId: 'k1', verifyKeys: { old: pub } }).close();
    await createEngine({ store: memoryStore(), secret, signingKey: privateKey }).close();
  });
});
