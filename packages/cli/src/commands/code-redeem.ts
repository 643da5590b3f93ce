import { defineCommand } from '../command.js';
import { readCode } from '../code-input.js';
import { compact } from '../compact.js';
import { keyValues } from '../output/table.js';
import { findCodeFlags } from './code-flags.js';

export const codeRedeem = defineCommand({
  group: 'code',
  name: 'redeem',
  summary: 'redeem a code once (as your app would) and print what it grants',
  details: [
    'Counts one redemption. Refusals exit 1 with the reason: INVALID_CODE (unknown, revoked, wrong email,',
    'other instance), EXPIRED (suspended or ended), NOT_STARTED, REDEMPTION_LIMIT.',
    'To check a code without using it up, use `code status`.',
  ],
  flags: findCodeFlags,
  examples: [
    'ntpass code redeem --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --code 7Hq3Zp',
    "printf '%s' \"$CODE\" | ntpass code redeem --tenant-id acme --code -",
  ],
  writes: true,
  run: async ({ flags, engine, io }) => {
    const code = await readCode(flags.code, io, 'code redeem');
    const { tenantId, ntpId, email } = flags;
    const granted = await (await engine()).redeemCode(compact({ tenantId, ntpId, code, email, includeNtpId: true }));
    const result = typeof granted === 'string' ? { objectId: granted, ntpId: ntpId ?? '' } : granted;
    return {
      json: result,
      human: () => `Redeemed.\n${keyValues([['objectId', result.objectId], ['ntpId', result.ntpId]])}`,
    };
  },
});
