/**
 * The only body parser: JSON, read as bytes so that invalid UTF-8 is refused (400 E_INVALID_UTF8)
 * instead of being silently replaced by U+FFFD, then parsed with Fastify's prototype-poisoning-safe
 * parser. Any other content type gets 415.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

export function installJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseJsonBody(req, body, done) {
    const buf = body as Buffer;
    if (buf.length > 0 && !isUtf8(buf)) {
      done(new HttpError(400, 'E_INVALID_UTF8', 'request body is not valid UTF-8'), undefined);
      return;
    }
    // strip a UTF-8 byte order mark, which JSON.parse refuses
    const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const text = buf.toString('utf8', start);
    parseJson(req, text, (err, value) => {
      if (!err) return done(null, value);
      const code = (err as { code?: string }).code;
      if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return done(new HttpError(400, 'E_EMPTY_BODY', 'request body is empty; send a JSON object'), undefined);
      done(new HttpError(400, 'E_INVALID_JSON', `request body is not valid JSON: ${whyNotJson(text)}`), undefined);
    });
  });
}

/**
 * The reason JSON.parse gives (with the position when it has one), or the prototype-poisoning refusal.
 * V8 quotes the start of the body in some messages; the quote is dropped, so that neither the reply nor
 * the log line repeats what the client sent (a pasted key, say).
 */
function whyNotJson(text: string): string {
  try {
    JSON.parse(text);
    return 'it sets __proto__ or constructor.prototype, which is refused';
  } catch (e) {
    return (e as Error).message.replace(/, ".*"(\.\.\.)? is not valid JSON$/s, '');
  }
}
