/**
 * Byte-exact line reading: each line comes with its byte offset (a restart resumes from `nextOffset`),
 * invalid UTF-8 and over-long lines are reported instead of thrown (the caller skips and counts them),
 * and an over-long line is never buffered beyond the limit.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024;

export interface Line {
  /** Decoded text without the line break; null when the line was skipped (see `error`). */
  text: string | null;
  /** 1-based line number within what was read (counting from the start offset). */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just after the line break: where to resume. */
  nextOffset: number;
  error?: 'invalid-utf8' | 'too-long';
}

export interface ReadLinesOptions {
  maxLineBytes?: number;
  /** Byte offset to start at (file sources). */
  start?: number;
  /** Emit a final line without a trailing newline (default true; a tailing reader sets false). */
  emitPartial?: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string | null {
  try {
    let s = decoder.decode(bytes);
    if (s.length && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    return s;
  } catch {
    return null;
  }
}

/** Splits a byte stream into lines. */
export async function* splitLines(stream: AsyncIterable<Uint8Array | string>, opts: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const emitPartial = opts.emitPartial ?? true;
  let offset = opts.start ?? 0; // offset of the current line's start
  let lineNo = 0;
  let parts: Uint8Array[] = [];
  let size = 0;
  let tooLong = false;
  let first = (opts.start ?? 0) === 0;
  for await (const raw of stream) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    if (first) {
      first = false;
      // skip a UTF-8 byte order mark
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset += 3;
      }
    }
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) {
        const rest = chunk.subarray(from);
        if (!tooLong) {
          if (size + rest.length > max) {
            tooLong = true;
            parts = [];
          } else if (rest.length) parts.push(rest);
        }
        size += rest.length;
        break;
      }
      const piece = chunk.subarray(from, nl);
      const lineBytes = size + piece.length;
      const nextOffset = offset + lineBytes + 1;
      lineNo++;
      if (tooLong || lineBytes > max) {
        yield { text: null, lineNo, offset, nextOffset, error: 'too-long' };
      } else {
        const bytes = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        const text = decode(bytes);
        yield text === null ? { text, lineNo, offset, nextOffset, error: 'invalid-utf8' } : { text, lineNo, offset, nextOffset };
      }
      offset = nextOffset;
      parts = [];
      size = 0;
      tooLong = false;
      from = nl + 1;
    }
  }
  if (emitPartial && size > 0) {
    lineNo++;
    const nextOffset = offset + size;
    if (tooLong || size > max) yield { text: null, lineNo, offset, nextOffset, error: 'too-long' };
    else {
      const text = decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      yield text === null ? { text, lineNo, offset, nextOffset, error: 'invalid-utf8' } : { text, lineNo, offset, nextOffset };
    }
  }
}

/** Lines of a file from a byte offset. Errors opening the file surface on first iteration. */
export function readFileLines(file: string, opts: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const stream: Readable = createReadStream(file, { start: opts.start ?? 0, highWaterMark: 256 * 1024 });
  return splitLines(stream, opts);
}
