import { tenantIdFlag } from '../global-flags.js';

/** `--tenant-id` and `--muid`: whose methods. */
export const userFlags = {
  tenantId: tenantIdFlag,
  muid: { kind: 'text', placeholder: 'ID', required: true, help: 'the user (your app\'s user id)' },
} as const;
