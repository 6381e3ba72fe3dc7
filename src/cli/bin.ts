/** Process entry for the CLI: run main() and set the exit code (never process.exit, so output drains). */
import { main } from './index.js';

// `tweetlang predict ... | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
