/** `npm run down`: stop and remove the stack; keep its volumes unless --volumes. */
import { COMMON_HELP, parseFlags, runScript } from './lib/cli.js';
import { ping } from './lib/engine.js';
import { loadConfig } from './lib/load-config.js';
import { down } from './lib/teardown.js';

const HELP = `usage: npm run down -- [options]

Stops and removes the stack's containers and network. Volumes (certificates, SSH host keys,
ACME account) are kept, so the next \`up\` serves the same certificates and host key.

      --volumes       also remove the volumes (certificates and host keys are lost)
${COMMON_HELP}`;

await runScript(async (argv) => {
  const flags = parseFlags<{ volumes: boolean }>(argv, { volumes: { type: 'boolean', default: false } });
  if (flags.help) return void console.log(HELP);
  const { model } = loadConfig(flags);
  await ping();
  const res = await down(model.project, { volumes: flags.volumes, log: (l) => console.log(l) });
  if (res.containers.length + res.networks.length + res.volumes.length === 0) console.log(`nothing to remove for project ${model.project}`);
  else console.log(`project ${model.project} is down${flags.volumes ? ' (volumes removed)' : ' (volumes kept; --volumes removes them)'}`);
});
