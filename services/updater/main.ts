/**
 * Service entry of the updater (distributed StreamingKMeans): the same as `tweetlang updater`, flags and
 * environment included (docs/OPERATIONS.md). `node dist/services/updater/main.js --create-topics`.
 */
import { main } from '../../src/cli/index.js';

process.exitCode = await main(['updater', ...process.argv.slice(2)]);
