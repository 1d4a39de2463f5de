// The bench target in its own process (pinned to one core by the parent): prints its URL, then serves until killed.
// Bundled by bench/load.mjs with the sources it imports.
import { startDemoTarget } from '../src/demo/target.js';

const delayMs = Number(process.argv[2] ?? 0);
const target = await startDemoTarget({ delayMs });
process.stdout.write(`${target.url}\n`);
process.on('SIGTERM', () => void target.close().then(() => process.exit(0)));
