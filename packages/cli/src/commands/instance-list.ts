import { defineCommand } from '../command.js';
import { compact } from '../compact.js';
import { tenantIdFlag } from '../global-flags.js';
import { instanceTable, pageFooter } from '../output/instance-view.js';

export const instanceList = defineCommand({
  group: 'instance',
  name: 'list',
  summary: "list a tenant's instances, oldest first, a page at a time",
  flags: {
    tenantId: tenantIdFlag,
    count: { kind: 'integer', min: 1, max: 1000, help: 'instances per page', defaultText: '10' },
    offset: { kind: 'integer', min: 0, help: 'instances to skip', defaultText: '0' },
  },
  examples: ['ntpass instance list --tenant-id acme --count 50'],
  run: async ({ flags: { tenantId, count, offset }, engine }) => {
    const page = await (await engine()).listNtpInstances(compact({ tenantId, count, offset }));
    return { json: page, human: () => `${instanceTable(page.ntpInstances)}\n${pageFooter(page)}` };
  },
});
