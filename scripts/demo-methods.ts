import type { Engine } from '@ntpass/core';

/** The lockout walkthrough: filled in with SPEC §4. */
export async function demoLockout(_engine: Engine): Promise<void> {
  console.log('\n(authentication methods: coming with the methods issue)');
}
