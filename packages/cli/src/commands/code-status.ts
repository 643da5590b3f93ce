import { defineCommand } from '../command.js';
import { readCode } from '../code-input.js';
import { compact } from '../compact.js';
import { EXIT } from '../exit-codes.js';
import { duration, yesNo } from '../output/format.js';
import { keyValues } from '../output/table.js';
import { findCodeFlags } from './code-flags.js';

export const codeStatus = defineCommand({
  group: 'code',
  name: 'status',
  summary: 'check whether a code would redeem now, without redeeming it',
  details: ['Exits 0 when the code would redeem, 1 when not (the reason says why), like a test.'],
  flags: findCodeFlags,
  examples: ['ntpass code status --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --code 7Hq3Zp'],
  run: async ({ flags, engine, io }) => {
    const code = await readCode(flags.code, io, 'code status');
    const { tenantId, ntpId, email } = flags;
    const status = await (await engine()).ntpCodeStatus(compact({ tenantId, ntpId, code, email }));
    return {
      json: status,
      human: () =>
        keyValues([
          ['valid', yesNo(status.valid)],
          ...(status.reason === undefined ? [] : [['reason', status.reason] as const]),
          ...(status.retryAfterMs === undefined ? [] : [['retryAfter', duration(status.retryAfterMs)] as const]),
          ...(status.objectId === undefined ? [] : [['objectId', status.objectId] as const]),
          ...(status.ntpId === undefined ? [] : [['ntpId', status.ntpId] as const]),
          ['redemptions', `${status.redemptions} of ${status.maxRedemptions}`],
        ]),
      exitCode: status.valid ? EXIT.ok : EXIT.refused,
    };
  },
});
