import type { Command } from '../command.js';
import { codeIssue } from './code-issue.js';
import { codeList } from './code-list.js';
import { codeRedeem } from './code-redeem.js';
import { codeRevoke } from './code-revoke.js';
import { codeStatus } from './code-status.js';
import { instanceCreate } from './instance-create.js';
import { instanceDelete } from './instance-delete.js';
import { instanceList } from './instance-list.js';
import { instanceReport } from './instance-report.js';
import { instanceShow } from './instance-show.js';
import { instanceSuspend } from './instance-suspend.js';
import { instanceUpdate } from './instance-update.js';
import { methodChange } from './method-change.js';
import { methodInfo } from './method-info.js';

/** Every command, in the order `ntpass --help` lists them. */
export const COMMANDS: readonly Command[] = [
  instanceCreate,
  instanceUpdate,
  instanceSuspend,
  instanceDelete,
  instanceShow,
  instanceList,
  instanceReport,
  codeIssue,
  codeRedeem,
  codeStatus,
  codeRevoke,
  codeList,
  methodInfo,
  methodChange('block'),
  methodChange('unblock'),
  methodChange('deactivate'),
  methodChange('activate'),
];

/** What each group is for, in `ntpass --help`. */
export const GROUPS: { readonly [group: string]: string } = {
  instance: 'campaigns: create, change, suspend, delete, inspect',
  code: 'codes: issue (in bulk, to CSV), redeem, check, revoke, list',
  method: "users' authentication methods: inspect, block, unblock, deactivate, activate",
};
