/** `npm run check`: validate edge.yaml and print what `up` would deploy, without touching Docker. */
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { renderSummary } from './report/summary.js';

const HELP = `usage: npm run check -- [options]

Validates edge.yaml (every problem with its line, column and path) and prints what \`up\` would
deploy. Needs no Docker engine, so it fits a CI job or a pre-commit hook. Exit 0 valid, 2 not.
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const { model, source } = loadConfig(flags);
  console.log(`${renderSummary(model, source)}\n\n${source} is valid`);
  return 0;
});
