import type { Engine } from '@ntpass/core';

/** The engine operations the HTTP routes call: an `Engine`, or anything with these methods (a wrapper that adds logging). */
export type HttpEngine = Pick<
  Engine,
  | 'methodInfo'
  | 'initiateInstance'
  | 'activateInstance'
  | 'blockInstance'
  | 'unblockInstance'
  | 'deactivateInstance'
  | 'blockMethod'
  | 'unblockMethod'
  | 'deactivateMethod'
  | 'activateMethod'
  | 'createNtpInstance'
  | 'ntpInstance'
  | 'listNtpInstances'
  | 'updateNtpInstance'
  | 'suspendNtpInstance'
  | 'deleteNtpInstance'
  | 'issueNtpCode'
  | 'issueNtpCodes'
  | 'issueSignedNtpCode'
  | 'redeemCode'
  | 'ntpCodeStatus'
  | 'listNtpTickets'
  | 'revokeNtpCode'
  | 'ntpInstanceReport'
>;
