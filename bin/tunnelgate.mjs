// `node bin/tunnelgate.mjs <command> [flags]`: what the npm scripts run. Starts the bundled
// JavaScript in dist/, rebuilding it first when any source is newer than the last build, so the
// TypeScript in the repo is always what runs and an unchanged checkout starts at node speed.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, DIST, newestSource, STAMP } from './build.mjs';

const [, , command, ...rest] = process.argv;
const [dir, name] = command === 'bench' ? ['bench', 'run'] : ['scripts', command];
const target = join(DIST, dir, `${name}.js`);
if (!command || !/^[a-z-]+$/.test(command)) {
  console.error('usage: node bin/tunnelgate.mjs <up|down|status|renew|cron|schema|bench> [flags]');
  process.exit(2);
}
if (!existsSync(STAMP) || statSync(STAMP).mtimeMs < newestSource()) await build();
if (!existsSync(target)) {
  console.error(`error: no command "${command}" (see package.json scripts)`);
  process.exit(2);
}
// The command sees its own flags as process.argv.slice(2), as when run directly.
process.argv = [process.argv[0], target, ...rest];
process.setSourceMapsEnabled(true);
await import(pathToFileURL(target).href);
