import type { Engine } from '@ntpass/core';

/**
 * The engine operations the HTTP routes call: an `Engine`, or anything with
 * these methods (a wrapper that adds logging). `issueNtpCodesPacked` is
 * optional: without it a streamed bulk issue holds every code as an object.
 */
export type HttpEngine = Partial<Pick<Engine, 'issueNtpCodesPacked'>> & Pick<
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
