import { defineCommand } from '../command.js';
import { compact } from '../compact.js';
import { tenantIdFlag } from '../global-flags.js';

export const instanceCreate = defineCommand({
  group: 'instance',
  name: 'create',
  summary: 'create an instance: one campaign of codes for one object',
  details: [
    'Prints the new instance id (ntpId); every other command names the instance by it.',
    'Times: a date (2030-02-01, UTC midnight), an ISO-8601 date-time with a zone, or epoch ms.',
  ],
  flags: {
    tenantId: tenantIdFlag,
    objectId: { kind: 'text', placeholder: 'ID', required: true, help: 'what the codes grant: redeeming returns it' },
    maxTickets: { kind: 'integer', min: 0, help: 'most codes that may ever be issued; 0 = unlimited', defaultText: '0' },
    maxRedemptions: { kind: 'integer', min: 1, help: 'most successful redemptions of each code', defaultText: '100' },
    startTime: { kind: 'time', help: 'codes redeem from this time on', defaultText: 'no start' },
    endTime: { kind: 'time', help: 'codes stop redeeming at this time', defaultText: 'no end' },
    ticketLength: { kind: 'integer', min: 4, max: 32, help: 'characters per code', defaultText: '6' },
    ntpClass: { kind: 'integer', min: 0, help: 'class of the instance', defaultText: '4' },
    groupAddresses: { kind: 'list', help: 'group addresses the codes inherit permissions from' },
  },
  examples: [
    'ntpass instance create --tenant-id acme --object-id spring-gala --max-tickets 10000 --max-redemptions 1 --end-time 2030-06-01',
  ],
  writes: true,
  run: async ({ flags, engine }) => {
    const { tenantId, objectId, maxTickets, maxRedemptions, startTime, endTime, ticketLength, ntpClass, groupAddresses } = flags;
    const ntpId = await (
      await engine()
    ).createNtpInstance(
      compact({ tenantId, objectId, maxTickets, maxRedemptions, startTime, endTime, ticketLength, ntpClass, groupAddresses }),
    );
    return {
      json: { ntpId },
      human: () => ntpId,
      hint: `Next: ntpass code issue --tenant-id ${tenantId} --ntp-id ${ntpId} --count N --out codes.csv`,
    };
  },
});
