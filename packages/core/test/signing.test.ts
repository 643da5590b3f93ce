import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isNtpassError, verifySignedCode, type SignedCodePayload } from '@ntpass/core';
import { claimedKeyId, signCode } from '../src/signing.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const payload: SignedCodePayload = { v: 1, tenantId: 't', ntpId: 'QOTP1', code: 'AbCd12', iat: 5, kid: 'k1' };

describe('signed codes', () => {
  it('verify with the public key (KeyObject or PEM) and give the payload back', () => {
    const token = signCode(payload, privateKey);
    expect(token.split('.')[0]).toBe('AbCd12');
    expect(verifySignedCode(token, publicKey)).toEqual(payload);
    expect(verifySignedCode(token, publicKey.export({ type: 'spki', format: 'pem' }).toString())).toEqual(payload);
    expect(verifySignedCode(token, privateKey)).toEqual(payload);
  });

  it('do not verify with another key', () => {
    expect(verifySignedCode(signCode(payload, privateKey), other.publicKey)).toBeNull();
  });

  it('do not verify once any part is changed', () => {
    const token = signCode(payload, privateKey);
    const [code, body, signature] = token.split('.') as [string, string, string];
    const forged = signCode({ ...payload, code: 'ZZZZZZ' }, other.privateKey).split('.')[1]!;
    expect(verifySignedCode(`XbCd12.${body}.${signature}`, publicKey)).toBeNull();
    expect(verifySignedCode(`${code}.${forged}.${signature}`, publicKey)).toBeNull();
    // Change a character in the middle: the last base64url character carries padding bits a
    // decoder may ignore, and a fixed replacement could equal the original.
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(verifySignedCode(`${code}.${body}.${flipped}`, publicKey)).toBeNull();
  });

  it('accept only the canonical base64url spelling of the signature (one token, one spelling)', () => {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < 20; i++) {
      const token = signCode({ ...payload, iat: i }, privateKey);
      const head = token.slice(0, -1);
      const last = token.at(-1)!;
      // The 86th character holds 2 bits of the signature and 4 unused ones: 16 characters decode alike.
      const twins = [...A].filter((c) => Buffer.from(`${head}${c}`.split('.')[2]!, 'base64url').equals(Buffer.from(token.split('.')[2]!, 'base64url')));
      expect(twins).toHaveLength(16);
      for (const c of twins) expect(verifySignedCode(`${head}${c}`, publicKey) !== null).toBe(c === last);
    }
  });

  it('refuse malformed tokens without throwing', () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a.!!.x', `a.${'A'.repeat(5000)}.b`]) {
      expect(verifySignedCode(bad, publicKey)).toBeNull();
    }
    expect(verifySignedCode(42 as unknown as string, publicKey)).toBeNull();
  });

  it('refuse a signed payload that is not a code payload', () => {
    // Signed exactly like signCode does, but with a payload signCode would never write.
    const signed = (json: unknown) => {
      const input = `AbCd12.${Buffer.from(JSON.stringify(json)).toString('base64url')}`;
      return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    };
    expect(verifySignedCode(signed({ ...payload, v: 2 }), publicKey)).toBeNull();
    expect(verifySignedCode(signed({ ...payload, extra: 1 }), publicKey)).toBeNull();
    expect(verifySignedCode(signed({ ...payload, code: 'other' }), publicKey)).toBeNull();
  });

  it('throw INVALID_ARGUMENT for a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    try {
      verifySignedCode(signCode(payload, privateKey), rsa);
      expect.unreachable();
    } catch (e) {
      expect(isNtpassError(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as Error).message).toMatch(/^verifySignedCode: publicKey /);
    }
  });

  it('expose the claimed kid before verification', () => {
    expect(claimedKeyId(signCode(payload, privateKey))).toBe('k1');
    const { kid: _, ...noKid } = payload;
    expect(claimedKeyId(signCode(noKid, privateKey))).toBeUndefined();
    expect(claimedKeyId('garbage')).toBeNull();
  });
});
