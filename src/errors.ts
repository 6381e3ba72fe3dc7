/**
 * Every error tweetlang raises on purpose carries a stable `code` (documented in docs/ERRORS.md),
 * whether retrying can help (`retriable`), and the underlying `cause`. The CLI turns them into one
 * line on stderr and an exit code; the HTTP layer turns them into a 4xx/5xx JSON body.
 */
export interface AppErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  /** HTTP status used when this error reaches a client. */
  status?: number;
  /** Extra machine-readable detail (never secrets). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.status = opts.status ?? 500;
    this.details = opts.details;
  }
}

/** Bad configuration, flags or options: the caller must change something. */
export class ConfigError extends AppError {
  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(code, message, { status: 400, ...opts });
  }
}

/** Input data that cannot be used (bad file, bad record, bad model). */
export class InputError extends AppError {
  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(code, message, { status: 400, ...opts });
  }
}

/** A model file or model object that fails validation. */
export class ModelError extends AppError {
  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(code, message, { status: 400, ...opts });
  }
}

/** I/O against disks, sockets or brokers; usually retriable. */
export class IoError extends AppError {
  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(code, message, { retriable: true, status: 503, ...opts });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Message of any thrown value, without a stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Wraps a Node system error (ENOENT, EACCES, ENOSPC ...) into an AppError with a helpful code. */
export function fromSystemError(err: unknown, what: string): AppError {
  const sys = err as NodeJS.ErrnoException;
  switch (sys?.code) {
    case 'ENOENT':
      return new InputError('E_NOT_FOUND', `${what}: no such file or directory`, { cause: err });
    case 'EISDIR':
      return new InputError('E_IS_DIRECTORY', `${what}: is a directory`, { cause: err });
    case 'ENOTDIR':
      return new InputError('E_NOT_DIRECTORY', `${what}: a path component is not a directory`, { cause: err });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new IoError('E_PERMISSION', `${what}: permission denied (${sys.code})`, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new IoError('E_DISK_FULL', `${what}: no space left on device`, { cause: err });
    default:
      return new IoError('E_IO', `${what}: ${errorMessage(err)}`, { cause: err });
  }
}
