import { usageError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { compact } from '../compact.js';
import { instanceRefFlags } from '../global-flags.js';
import { instanceDetails } from '../output/instance-view.js';

export const instanceUpdate = defineCommand({
  group: 'instance',
  name: 'update',
  summary: 'change limits or the window of an instance; giving --end-time ends a suspension',
  details: [
    'Only the flags given change. `none` clears a time (no start, no end).',
    'A --max-tickets below the codes already issued is allowed: it stops further issuing.',
    'Any --end-time (a time or none) resumes a suspended instance.',
  ],
  flags: {
    ...instanceRefFlags,
    maxTickets: { kind: 'integer', min: 0, help: 'new limit on codes issued; 0 = unlimited' },
    maxRedemptions: { kind: 'integer', min: 1, help: 'new limit of redemptions per code (applies to issued codes too)' },
    startTime: { kind: 'time-or-none', help: 'new start of the window, or none' },
    endTime: { kind: 'time-or-none', help: 'new end of the window, or none; resumes a suspended instance' },
  },
  examples: [
    'ntpass instance update --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --end-time 2030-07-01T18:00:00+02:00',
    'ntpass instance update --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --end-time none   # resume, no end',
  ],
  writes: true,
  run: async ({ flags, engine }) => {
    const { tenantId, ntpId, maxTickets, maxRedemptions, startTime, endTime } = flags;
    const changes = compact({ maxTickets, maxRedemptions, startTime, endTime });
    if (Object.keys(changes).length === 0) {
      throw usageError('nothing to change: give --max-tickets, --max-redemptions, --start-time or --end-time', 'instance update');
    }
    const info = await (await engine()).updateNtpInstance({ tenantId, ntpId, ...changes });
    return { json: info, human: () => instanceDetails(info) };
  },
});
