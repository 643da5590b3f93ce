import { defineCommand } from '../command.js';
import { instanceRefFlags } from '../global-flags.js';

export const instanceSuspend = defineCommand({
  group: 'instance',
  name: 'suspend',
  summary: 'stop every code of an instance at once (a leak): nothing redeems or is issued',
  details: [
    'From the moment it returns, no code of the instance redeems and none is issued (EXPIRED).',
    'Reversible: `instance update --end-time TIME|none` resumes it.',
  ],
  flags: instanceRefFlags,
  examples: ['ntpass instance suspend --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz'],
  writes: true,
  run: async ({ flags: { tenantId, ntpId }, engine }) => {
    await (await engine()).suspendNtpInstance({ tenantId, ntpId });
    return {
      json: { ntpId, state: 'suspended' },
      human: () => `Suspended ${ntpId}: no code of it redeems or is issued.`,
      hint: `Resume with: ntpass instance update --tenant-id ${tenantId} --ntp-id ${ntpId} --end-time TIME|none`,
    };
  },
});
