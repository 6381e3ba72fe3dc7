/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise (logs, CI). */
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number, note?: string): void;
  line(text: string): void;
  done(text?: string): void;
}

export function createProgress(out: Writable, isTTY: boolean, label: string, quiet = false): Progress {
  let drawn = false;
  const clear = () => {
    if (drawn) out.write('\r\x1b[K');
    drawn = false;
  };
  return {
    update(done, total, note = '') {
      if (quiet) return;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      if (isTTY) {
        const width = 30;
        const fill = Math.round(frac * width);
        out.write(`\r\x1b[K${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total} ${note}`);
        drawn = true;
      } else {
        // plain lines: callers throttle (one line per call)
        out.write(`${label}: ${done}/${total}${note ? ' ' + note : ''}\n`);
      }
    },
    line(text) {
      if (quiet) return;
      clear();
      out.write(text + '\n');
    },
    done(text) {
      if (quiet) return;
      clear();
      if (text) out.write(text + '\n');
    },
  };
}
