/**
 * `npm run chaos`: scaled mode under faults (issue 9 §3). See bench/src/chaos/run.ts and the README's
 * "Chaos test" section. Exit code 0 when every target is met, 1 when one is missed, 2 when the run could not
 * be set up.
 */
import { parseOptions, USAGE, UsageError } from './src/chaos/options';
import { runChaos } from './src/chaos/run';

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    return await runChaos(opts);
  } catch (err) {
    if (err instanceof UsageError) console.error(err.message);
    else console.error('chaos run could not complete:', err);
    return 2;
  }
}

main().then((code) => process.exit(code));
