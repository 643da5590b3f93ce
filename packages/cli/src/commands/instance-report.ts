import { defineCommand } from '../command.js';
import { instanceRefFlags } from '../global-flags.js';
import { reportDetails } from '../output/instance-view.js';

export const instanceReport = defineCommand({
  group: 'instance',
  name: 'report',
  summary: 'how a campaign is going: codes issued, redeemed, revoked',
  flags: instanceRefFlags,
  examples: ['ntpass instance report --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz'],
  run: async ({ flags: { tenantId, ntpId }, engine }) => {
    const e = await engine();
    const [info, report] = await Promise.all([e.ntpInstance({ tenantId, ntpId }), e.ntpInstanceReport({ tenantId, ntpId })]);
    return { json: { ntpId, objectId: info.objectId, state: info.state, ...report }, human: () => reportDetails(info, report) };
  },
});
