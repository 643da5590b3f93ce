import { defineCommand } from '../command.js';
import { compact } from '../compact.js';
import { instanceRefFlags } from '../global-flags.js';
import { localIso, yesNo } from '../output/format.js';
import { pageFooter } from '../output/instance-view.js';
import { table } from '../output/table.js';

export const codeList = defineCommand({
  group: 'code',
  name: 'list',
  summary: "list an instance's codes in issue order (their userIds and use; codes themselves are never stored)",
  flags: {
    ...instanceRefFlags,
    count: { kind: 'integer', min: 1, max: 1000, help: 'codes per page', defaultText: '10' },
    offset: { kind: 'integer', min: 0, help: 'codes to skip', defaultText: '0' },
  },
  examples: ['ntpass code list --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --count 100 --offset 200'],
  run: async ({ flags: { tenantId, ntpId, count, offset }, engine }) => {
    const page = await (await engine()).listNtpTickets(compact({ tenantId, ntpId, count, offset }));
    const rows = page.tickets.map((t) => [
      t.userId,
      `${t.redemptions}/${t.maxRedemptions}`,
      yesNo(t.emailBound),
      yesNo(t.signed),
      yesNo(t.revoked),
      localIso(t.issuedAt),
    ]);
    const columns = [
      { header: 'userId' },
      { header: 'redeemed', right: true },
      { header: 'email' },
      { header: 'signed' },
      { header: 'revoked' },
      { header: 'issuedAt' },
    ];
    return { json: page, human: () => `${table(columns, rows, '(no codes)')}\n${pageFooter(page)}` };
  },
});
