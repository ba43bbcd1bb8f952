// A write the file system refused, said in words a user can act on: which file, and
// whether the disk is full, the folder is read-only or permissions forbid it.

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than the system allows',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'an input/output error (the disk may be failing)',
};

export class WriteFailure extends Error {
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = (code && REASONS[code]) ?? (cause as Error | undefined)?.message ?? String(cause);
    super(`cannot write ${path}: ${reason}${code ? ` (${code})` : ''}`);
    this.name = 'WriteFailure';
    this.code = code;
  }
}

/** Runs a write; a refusal by the file system becomes a WriteFailure naming `path`. */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof WriteFailure) throw error;
    if (typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string') throw new WriteFailure(path, error);
    throw error;
  }
}

/** What a failed write means for what was already saved, for the end of a message. */
export const NOTHING_SAVED_IS_LOST = 'everything saved before it is intact; free space or fix permissions, then run it again';
