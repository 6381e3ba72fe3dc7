/** What a CLI command may touch: streams and environment, injectable for tests. */
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress bars instead of plain lines. */
  isTTY: boolean;
}

export function processIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
  };
}

export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Writes respecting backpressure. */
export async function writeOut(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        stream.off('drain', ok);
        stream.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      stream.once('drain', ok);
      stream.once('error', done);
    });
  }
}
