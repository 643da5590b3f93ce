/*
 * A walkthrough of ntpass on the embedded default store: run with `pnpm demo`.
 * Each part lives in its own file; this one only strings them together.
 */
import { createEngine } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { demoLockout } from './demo-methods.js';
import { DEMO_SIGNING_KEYS, demoTickets } from './demo-ntp.js';

const engine = createEngine({
  store: memoryStore(),
  secret: 'demo-secret-demo-secret-demo-secret!',
  signingKey: DEMO_SIGNING_KEYS.privateKey,
  signingKeyId: 'demo-2030',
});

console.log('ntpass demo — engine created on the memory store');
await demoTickets(engine);
await demoLockout(engine);
await engine.close();
console.log('\ndone.');
