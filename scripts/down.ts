/** `npm run down`: stop and remove the stack; keep its volumes unless --volumes. */

import { formatProblem } from './cli/errors.js';
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadProjectName } from './config/load-config.js';
import { teardown } from './deploy/teardown.js';
import { ping } from './engine/index.js';

const HELP = `usage: npm run down -- [options]

Stops and removes the stack's containers and network. Volumes (certificates, SSH host keys,
ACME account) are kept, so the next \`up\` serves the same certificates and host key.
A config that no longer loads does not stop it: with --project, or a readable \`project:\`
in the file, it says what it ignored and takes the stack down anyway.

      --volumes       also remove the volumes (certificates and host keys are lost)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ volumes: boolean }>(argv, { volumes: { type: 'boolean', default: false } });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const { project, ignored } = loadProjectName(flags);
  if (ignored.length) {
    const n = ignored.length;
    console.error(`warning: the config has ${n} problem${n === 1 ? '' : 's'}; down uses only the project name "${project}" and ignores the rest:`);
    for (const p of ignored) console.error(`  ${formatProblem(p)}`);
  }
  await ping();
  const res = await teardown(project, { volumes: flags.volumes, log: (l) => console.log(l) });
  if (res.containers.length + res.networks.length + res.volumes.length === 0) console.log(`nothing to remove for project ${project}`);
  else console.log(`project ${project} is down${flags.volumes ? ' (volumes removed)' : ' (volumes kept; --volumes removes them)'}`);
  return 0;
});
