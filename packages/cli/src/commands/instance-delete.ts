import { usageError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { instanceRefFlags } from '../global-flags.js';

export const instanceDelete = defineCommand({
  group: 'instance',
  name: 'delete',
  summary: 'delete an instance and all its codes, irreversibly (needs --yes)',
  details: [
    'From the moment it returns the instance is unknown to every command and none of its codes redeems.',
    'Its codes are purged from the store afterwards, in the background of whichever engine runs next on the',
    'store (your app, or the next ntpass command). To stop codes reversibly, use `instance suspend`.',
  ],
  flags: {
    ...instanceRefFlags,
    yes: { kind: 'boolean', help: 'confirm: this cannot be undone' },
  },
  examples: ['ntpass instance delete --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --yes'],
  writes: true,
  run: async ({ flags: { tenantId, ntpId, yes }, engine }) => {
    if (!yes) throw usageError('deleting an instance cannot be undone: add --yes to confirm (or use instance suspend)', 'instance delete');
    await (await engine()).deleteNtpInstance({ tenantId, ntpId });
    return { json: { ntpId, deleted: true }, human: () => `Deleted ${ntpId}.` };
  },
});
