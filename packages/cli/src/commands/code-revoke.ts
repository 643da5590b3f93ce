import { usageError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { readCode } from '../code-input.js';
import { instanceRefFlags } from '../global-flags.js';

export const codeRevoke = defineCommand({
  group: 'code',
  name: 'revoke',
  summary: 'stop one code from redeeming, by its code or its userId (it still counts against maxTickets)',
  flags: {
    ...instanceRefFlags,
    code: { kind: 'text', placeholder: 'CODE|-', help: 'the code; - reads it from stdin' },
    userId: { kind: 'text', placeholder: 'iusr…', help: "the code's userId (from the CSV or code list)" },
  },
  examples: ['ntpass code revoke --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --user-id iusr4Wc9…'],
  writes: true,
  run: async ({ flags, engine, io }) => {
    const { tenantId, ntpId, userId } = flags;
    if ((flags.code === undefined) === (userId === undefined)) {
      throw usageError('give exactly one of --code or --user-id', 'code revoke');
    }
    const e = await engine();
    if (userId !== undefined) await e.revokeNtpCode({ tenantId, ntpId, userId });
    else if (flags.code !== undefined) await e.revokeNtpCode({ tenantId, ntpId, code: await readCode(flags.code, io, 'code revoke') });
    return {
      json: { ntpId, ...(userId === undefined ? {} : { userId }), revoked: true },
      human: () => `Revoked${userId === undefined ? ' the code' : ` ${userId}`}: it no longer redeems.`,
    };
  },
});
