import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file being written under a temporary name, published only by {@link PendingFile.publish}. */
export interface PendingFile {
  /** Appends text to the temporary file. */
  write(text: string): Promise<void>;
  /**
   * Flushes to disk and gives the file its real name, atomically: readers see
   * the whole file or none. Without `replace`, an existing file is never
   * overwritten (`EEXIST`).
   */
  publish(): Promise<void>;
  /** Removes the temporary file; safe to call after a failed publish. */
  discard(): Promise<void>;
  /** Removes the temporary file at once, for a process that is being interrupted. */
  discardNow(): void;
}

/**
 * Creates the temporary file next to `path` (same directory, so the final
 * rename stays on one file system) with owner-only permissions: it will hold
 * live codes. Creating it up front finds an unwritable directory before any
 * work is done.
 */
export async function createPendingFile(path: string, options: { readonly replace: boolean }): Promise<PendingFile> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle: FileHandle = await open(temp, 'wx', 0o600);
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    write: async (text) => {
      await handle.write(text);
    },
    publish: async () => {
      await handle.sync();
      await close();
      if (options.replace) {
        await rename(temp, path);
      } else {
        // link() refuses an existing target, so a file created meanwhile is never clobbered.
        await link(temp, path);
        await unlink(temp);
      }
    },
    discard: async () => {
      await close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    },
    discardNow: () => {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
    },
  };
}
