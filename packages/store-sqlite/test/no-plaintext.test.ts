import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { createEngine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

/* SPEC §6 invariant 7 on real files: codes and emails never reach the disk in plaintext. */

const files = tempFiles('plaintext');
afterAll(files.remove);

function bytesOnDisk(filename: string): Buffer {
  return Buffer.concat([filename, `${filename}-wal`, `${filename}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('sqliteStore on disk', () => {
  it('holds no code and no email in plaintext, in the database file or its WAL', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    const engine = createEngine({ store, secret: 'plaintext-test-secret-of-32-bytes!!' });
    const tenantId = 'acme';
    const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'door', ticketLength: 16 });
    const email = 'Alice.Plaintext@Example.com';
    const one = await engine.issueNtpCode({ tenantId, ntpId, email });
    const bulkEmails = ['bulk.one@example.org', 'bulk.two@example.org'];
    const bulk = await engine.issueNtpCodes({ tenantId, ntpId, emails: bulkEmails });
    await engine.redeemCode({ tenantId, ntpId, code: one.token, email: '  alice.plaintext@example.com ' });
    await engine.redeemCode({ tenantId, code: bulk.tokens[0]?.token ?? '', email: bulkEmails[0] ?? '' });
    const secrets = [one.token, ...bulk.tokens.map((t) => t.token), email, email.toLowerCase(), ...bulkEmails];

    const check = (when: string) => {
      const disk = bytesOnDisk(filename);
      assert.ok(disk.includes(Buffer.from(ntpId)), `${when}: the files hold the data (sanity)`);
      for (const secret of secrets) assert.equal(disk.includes(Buffer.from(secret)), false, `${when}: a code or email is on disk`);
    };
    check('while open');
    await engine.close();
    await store.close();
    check('after close');
  });
});
