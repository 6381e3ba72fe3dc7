/** Process entry for the CLI: run main() and set the exit code (never process.exit, so output drains). */
import { main } from './index.js';

process.exitCode = await main(process.argv.slice(2));
