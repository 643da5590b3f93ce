import { tenantIdFlag } from '../global-flags.js';

/** The flags that find a code, shared by `code redeem` and `code status`. */
export const findCodeFlags = {
  tenantId: tenantIdFlag,
  ntpId: { kind: 'text', placeholder: 'QOTP…', help: "the code's instance; without it the tenant's instances are searched" },
  code: { kind: 'text', required: true, placeholder: 'CODE|-', help: 'the code (or signed token); - reads it from stdin' },
  email: { kind: 'text', placeholder: 'ADDRESS', help: 'the address a bound code requires' },
} as const;
