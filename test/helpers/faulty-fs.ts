/**
 * A folder whose disk can be made full or read-only, and made right again, for fault tests.
 *
 * - `tmpfs` mode (when the tests may mount, e.g. root with CAP_SYS_ADMIN): the folder is a real 4 MiB tmpfs.
 *   full = a filler file takes every free block (the kernel answers ENOSPC); read-only = `mount -o
 *   remount,ro` (EROFS; chmod would not stop root). Everything goes through the real kernel.
 * - `injected` mode (anywhere else): the failure is injected at the filesystem-call boundary, in
 *   `fs.promises` (the object every module of tweetlang calls): full = files opened for writing under the
 *   folder are opened on /dev/full instead, so the write fails with the kernel's own ENOSPC error;
 *   read-only = opening for writing, renaming or removing under the folder throws an EROFS error built
 *   like Node's (errno, code, syscall, path), as no kernel source of EROFS is at hand without a mount.
 * `faultyDirs()` gives the modes this machine supports (always `injected`, plus `tmpfs` when mounting works).
 */
import { execFileSync } from 'node:child_process';
import { promises as fsp, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

export type FaultMode = 'tmpfs' | 'injected';

export interface FaultyDir {
  readonly dir: string;
  readonly mode: FaultMode;
  /** Writes fail with ENOSPC from now on. */
  fill(): Promise<void>;
  free(): Promise<void>;
  /** Writes fail with EROFS from now on. */
  readOnly(): Promise<void>;
  writable(): Promise<void>;
  /** Undo everything (unmount, restore fs.promises) and remove the folder. */
  close(): Promise<void>;
}

let canMountCache: boolean | undefined;

/** Whether this process may mount a tmpfs (probed once with a real mount). */
export function canMount(): boolean {
  if (canMountCache !== undefined) return canMountCache;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return (canMountCache = false);
  const probe = mkdtempSync(path.join(os.tmpdir(), 'tweetlang-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    canMountCache = true;
  } catch {
    canMountCache = false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return canMountCache;
}

export function faultModes(): FaultMode[] {
  return canMount() ? ['injected', 'tmpfs'] : ['injected'];
}

export async function faultyDir(mode: FaultMode, prefix = 'tweetlang-faulty-'): Promise<FaultyDir> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return mode === 'tmpfs' ? tmpfsDir(dir) : injectedDir(dir);
}

function tmpfsDir(dir: string): FaultyDir {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'tmpfs', dir]);
  const filler = path.join(dir, '.filler');
  const run = (...args: string[]) => execFileSync('mount', args, { stdio: 'ignore' });
  return {
    dir,
    mode: 'tmpfs',
    async fill() {
      // grow a file until the kernel says the device is full
      const chunk = Buffer.alloc(64 * 1024, 1);
      const h = await fsp.open(filler, 'a');
      try {
        for (;;) await h.write(chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await h.close();
      }
      // and the last partial page
      try {
        for (;;) await fsp.appendFile(filler, Buffer.alloc(512, 1));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    },
    async free() {
      await fsp.rm(filler, { force: true });
    },
    async readOnly() {
      run('-o', 'remount,ro', dir);
    },
    async writable() {
      run('-o', 'remount,rw', dir);
    },
    async close() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** An error shaped as Node's own system errors (fs calls reject with these). */
export function systemError(code: 'EROFS' | 'EACCES' | 'ENOSPC', syscall: string, p: string): NodeJS.ErrnoException {
  const text = { EROFS: 'read-only file system', EACCES: 'permission denied', ENOSPC: 'no space left on device' }[code];
  const err = new Error(`${code}: ${text}, ${syscall} '${p}'`) as NodeJS.ErrnoException;
  err.errno = -os.constants.errno[code];
  err.code = code;
  err.syscall = syscall;
  err.path = p;
  return err;
}

function injectedDir(dir: string): FaultyDir {
  let state: 'ok' | 'full' | 'ro' = 'ok';
  const inside = (p: unknown) => typeof p === 'string' && (p === dir || p.startsWith(dir + path.sep));
  const writes = (flags: unknown) => typeof flags === 'string' && /[wa+]/.test(flags);
  const realOpen = fsp.open.bind(fsp);
  const realRename = fsp.rename.bind(fsp);
  const realRm = fsp.rm.bind(fsp);
  const realUnlink = fsp.unlink.bind(fsp);
  const realWriteFile = fsp.writeFile.bind(fsp);
  const spies = [
    vi.spyOn(fsp, 'open').mockImplementation((async (p: unknown, flags?: unknown, mode?: unknown) => {
      if (inside(p) && writes(flags)) {
        if (state === 'ro') throw systemError('EROFS', 'open', String(p));
        if (state === 'full') return realOpen('/dev/full', 'w'); // the write fails with the kernel's ENOSPC
      }
      return realOpen(p as string, flags as string, mode as number);
    }) as typeof fsp.open),
    vi.spyOn(fsp, 'writeFile').mockImplementation((async (p: unknown, data: unknown, opts?: unknown) => {
      if (inside(p) && state === 'ro') throw systemError('EROFS', 'open', String(p));
      if (inside(p) && state === 'full') return realWriteFile('/dev/full', data as string);
      return realWriteFile(p as string, data as string, opts as undefined);
    }) as typeof fsp.writeFile),
    vi.spyOn(fsp, 'rename').mockImplementation((async (a: unknown, b: unknown) => {
      if (state === 'ro' && (inside(a) || inside(b))) throw systemError('EROFS', 'rename', String(a));
      return realRename(a as string, b as string);
    }) as typeof fsp.rename),
    vi.spyOn(fsp, 'rm').mockImplementation((async (p: unknown, opts?: unknown) => {
      if (state === 'ro' && inside(p)) throw systemError('EROFS', 'rm', String(p));
      return realRm(p as string, opts as undefined);
    }) as typeof fsp.rm),
    vi.spyOn(fsp, 'unlink').mockImplementation((async (p: unknown) => {
      if (state === 'ro' && inside(p)) throw systemError('EROFS', 'unlink', String(p));
      return realUnlink(p as string);
    }) as typeof fsp.unlink),
  ];
  return {
    dir,
    mode: 'injected',
    async fill() {
      state = 'full';
    },
    async free() {
      state = 'ok';
    },
    async readOnly() {
      state = 'ro';
    },
    async writable() {
      state = 'ok';
    },
    async close() {
      for (const s of spies) s.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a file whose content is cut short (a damaged file, as a full disk or a bad copy leaves). */
export function writeTruncated(file: string, content: string, keep = 0.5): void {
  writeFileSync(file, content.slice(0, Math.floor(content.length * keep)));
}
