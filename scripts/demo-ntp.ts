import type { Engine } from '@ntpass/core';

/** The n-time-password walkthrough: filled in with SPEC §3. */
export async function demoTickets(_engine: Engine): Promise<void> {
  console.log('\n(n-time passwords: coming with the NTP issue)');
}
