import type { NtpInstanceInfo, NtpInstanceReport } from '@ntpass/core';
import { limit, localIso, optionalTime } from './format.js';
import { keyValues, table } from './table.js';

/** One instance, field by field, under its SPEC names. */
export function instanceDetails(info: NtpInstanceInfo): string {
  return keyValues([
    ['ntpId', info.ntpId],
    ['tenantId', info.tenantId],
    ['objectId', info.objectId],
    ['state', info.state],
    ['startTime', optionalTime(info.startTime, 'none (redeemable from issue)')],
    ['endTime', optionalTime(info.endTime, 'none (never ends)')],
    ['maxTickets', limit(info.maxTickets)],
    ['issuedTickets', String(info.issuedTickets)],
    ['maxRedemptions', `${info.maxRedemptions} per code`],
    ['redemptions', String(info.redemptions)],
    ['ticketLength', String(info.ticketLength)],
    ['ntpClass', String(info.ntpClass)],
    ['groupAddresses', info.groupAddresses.length === 0 ? 'none' : info.groupAddresses.join(', ')],
    ['createdAt', localIso(info.createdAt)],
    ['updatedAt', localIso(info.updatedAt)],
  ]);
}

/** Instances as a table, one per row. */
export function instanceTable(instances: readonly NtpInstanceInfo[]): string {
  return table(
    [
      { header: 'ntpId' },
      { header: 'objectId' },
      { header: 'state' },
      { header: 'issued', right: true },
      { header: 'maxTickets', right: true },
      { header: 'redemptions', right: true },
      { header: 'endTime' },
      { header: 'createdAt' },
    ],
    instances.map((i) => [
      i.ntpId,
      i.objectId,
      i.state,
      String(i.issuedTickets),
      limit(i.maxTickets),
      String(i.redemptions),
      optionalTime(i.endTime, '-'),
      localIso(i.createdAt),
    ]),
    '(no instances)',
  );
}

/** An instance's report, with shares of the issued codes. */
export function reportDetails(info: NtpInstanceInfo, report: NtpInstanceReport): string {
  const share = (n: number) => (report.issued === 0 ? '' : `  (${percent(n / report.issued)} of issued)`);
  return keyValues([
    ['ntpId', info.ntpId],
    ['objectId', info.objectId],
    ['state', info.state],
    ['window', `${optionalTime(info.startTime, 'open')} → ${optionalTime(info.endTime, 'open')}`],
    ['issued', `${report.issued}${info.maxTickets === 0 ? '' : ` of ${info.maxTickets}`}`],
    ['redeemedTickets', `${report.redeemedTickets}${share(report.redeemedTickets)}`],
    ['totalRedemptions', String(report.totalRedemptions)],
    ['revoked', `${report.revoked}${share(report.revoked)}`],
  ]);
}

/** `1–10 of 42 (next page: --offset 10)`. */
export function pageFooter(page: { readonly start: number; readonly end: number; readonly total: number }): string {
  const range = page.end > page.start ? `${page.start + 1}–${page.end} of ${page.total}` : `0 of ${page.total}`;
  return page.end < page.total ? `${range} (next page: --offset ${page.end})` : range;
}

// 0.01% rather than 0.0% for the first redemptions of a large campaign.
function percent(ratio: number): string {
  const value = ratio * 100;
  return `${value > 0 && value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}
