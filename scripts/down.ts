/** `npm run down`: stop and remove the stack; keep its volumes unless --volumes. */
import { COMMON_HELP, parseFlags } from './cli/flags.js';
import { runScript } from './cli/run-script.js';
import { loadConfig } from './config/load-config.js';
import { teardown } from './deploy/teardown.js';
import { ping } from './engine/index.js';

const HELP = `usage: npm run down -- [options]

Stops and removes the stack's containers and network. Volumes (certificates, SSH host keys,
ACME account) are kept, so the next \`up\` serves the same certificates and host key.

      --volumes       also remove the volumes (certificates and host keys are lost)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ volumes: boolean }>(argv, { volumes: { type: 'boolean', default: false } });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const { model } = loadConfig(flags);
  await ping();
  const res = await teardown(model.project, { volumes: flags.volumes, log: (l) => console.log(l) });
  if (res.containers.length + res.networks.length + res.volumes.length === 0) console.log(`nothing to remove for project ${model.project}`);
  else console.log(`project ${model.project} is down${flags.volumes ? ' (volumes removed)' : ' (volumes kept; --volumes removes them)'}`);
  return 0;
});
