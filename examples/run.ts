/** Shared bits of the examples: run a context until Ctrl-C (or its sources end), argument helpers. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StreamingContext } from '../src/stream/context.js';

/** True when the module is the program being run (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(path.resolve(process.argv[1])).href === moduleUrl;
}

/** Starts the context, stops it cleanly on Ctrl-C / SIGTERM, resolves when it stopped. */
export async function runUntilStopped(ctx: StreamingContext): Promise<void> {
  const stop = () => void ctx.stop().catch(() => undefined);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await ctx.start();
    await ctx.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function usageExit(text: string): never {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  process.exit(2);
}
