import { BUILTIN_METHOD_TYPES } from '@ntpass/core';
import { defineCommand } from '../command.js';
import { methodDetails } from '../output/method-view.js';
import { userFlags } from './method-flags.js';

export const methodInfo = defineCommand({
  group: 'method',
  name: 'info',
  summary: "a user's authentication methods: state, failed attempts, instances",
  flags: {
    ...userFlags,
    methodTypes: {
      kind: 'list',
      placeholder: 'TYPE,…',
      help: 'method types to show, in this order',
      defaultText: BUILTIN_METHOD_TYPES.join(','),
    },
  },
  examples: ['ntpass method info --tenant-id acme --muid user-42 --method-types PASSWORD,SMS'],
  run: async ({ flags: { tenantId, muid, methodTypes }, engine }) => {
    const info = await (await engine()).methodInfo({ tenantId, muid, methodTypes: methodTypes ?? [...BUILTIN_METHOD_TYPES] });
    return { json: info, human: () => methodDetails(info.methodInfo) };
  },
});
