import { defineCommand } from '../command.js';
import { instanceRefFlags } from '../global-flags.js';
import { instanceDetails } from '../output/instance-view.js';

export const instanceShow = defineCommand({
  group: 'instance',
  name: 'show',
  summary: 'show one instance: state, window, limits, counts',
  flags: instanceRefFlags,
  examples: ['ntpass instance show --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz'],
  run: async ({ flags: { tenantId, ntpId }, engine }) => {
    const info = await (await engine()).ntpInstance({ tenantId, ntpId });
    return { json: info, human: () => instanceDetails(info) };
  },
});
