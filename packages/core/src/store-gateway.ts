import { NtpassError } from './errors.js';
import type {
  Commit,
  CommitResult,
  DropRequest,
  ListRequest,
  ListResult,
  ReadRequest,
  ReadResult,
  ScanRequest,
  ScanResult,
  Store,
} from './store.js';

/**
 * The one place that talks to the store. Each call names the public operation
 * it serves, so a driver failure surfaces as
 * `STORE_UNAVAILABLE` "<operation>: store unavailable" with the cause attached.
 */
export interface StoreGateway {
  readonly maxOpsPerCommit: number;
  read(operation: string, request: ReadRequest): Promise<ReadResult>;
  commit(operation: string, commit: Commit): Promise<CommitResult>;
  commitBatch(operation: string, commits: readonly Commit[]): Promise<CommitResult[]>;
  list(operation: string, request: ListRequest): Promise<ListResult>;
  scan(operation: string, request: ScanRequest): Promise<ScanResult>;
  dropPartition(operation: string, request: DropRequest): Promise<{ readonly done: boolean }>;
}

export function createStoreGateway(store: Store): StoreGateway {
  const fail = (operation: string) => (cause: unknown): never => {
    throw new NtpassError('STORE_UNAVAILABLE', `${operation}: store unavailable`, { cause });
  };
  return {
    maxOpsPerCommit: store.limits.maxOpsPerCommit,
    read: (operation, request) => store.read(request).catch(fail(operation)),
    commit: (operation, commit) => store.commit(commit).catch(fail(operation)),
    commitBatch: (operation, commits) => store.commitBatch(commits).catch(fail(operation)),
    list: (operation, request) => store.list(request).catch(fail(operation)),
    scan: (operation, request) => store.scan(request).catch(fail(operation)),
    dropPartition: (operation, request) => store.dropPartition(request).catch(fail(operation)),
  };
}
