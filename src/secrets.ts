/**
 * The secret values this process holds (read from the environment), so that log lines and error replies
 * can be scrubbed of them whatever path a value took: an admin key pasted into a URL and echoed by a 404,
 * a JSON parse error quoting its input, a library error message carrying a token. Defence in depth: secrets
 * are also never logged on purpose (REDACT_PATHS in log.ts) nor put into replies.
 */

/** Environment variables whose values are secrets (sources and sinks with credentials add theirs here). */
export const SECRET_ENV_VARS: readonly string[] = [
  'TWEETLANG_ADMIN_KEY',
  'TWITTER_BEARER_TOKEN',
  'TWITTER_API_KEY',
  'TWITTER_API_SECRET',
  'TWITTER_ACCESS_TOKEN',
  'TWITTER_ACCESS_SECRET',
  'KAFKA_SASL_PASSWORD',
];

/** Shorter values are not scrubbed: they would match ordinary text (and are too short to be secrets). */
export const MIN_SECRET_LENGTH = 8;

export const SCRUBBED = '[redacted]';

let secrets: string[] = [];

/** The secret values set in `env`. */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
}

/** Adds values to scrub from now on (process-wide; services call it once at start-up). */
export function registerSecrets(values: readonly string[]): void {
  const forms = new Set(secrets);
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    forms.add(v);
    // as it appears inside a JSON string (log lines are JSON), and percent-encoded in a URL
    forms.add(JSON.stringify(v).slice(1, -1));
    try {
      forms.add(encodeURIComponent(v));
    } catch {
      // a lone surrogate cannot be percent-encoded, so it cannot appear that way either
    }
  }
  // longest first, so that a secret containing another is replaced whole
  secrets = [...forms].sort((a, b) => b.length - a.length);
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets = [];
}

/** `text` with every registered secret replaced by [redacted]. */
export function scrubSecrets(text: string): string {
  if (secrets.length === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, SCRUBBED);
  return out;
}

/** Whether `text` holds a registered secret. */
export function holdsSecret(text: string): boolean {
  return secrets.some((s) => text.includes(s));
}
