/**
 * `npm run bench`: tunnelgate side by side with a hand-configured HAProxy and with Caddy, each in
 * front of its own socket tunnel, in one topology on the stack's own network (bench/lib/topology.ts),
 * then the stack's own figures: reloads and certificate rotations under load, tunnel reconnect,
 * no-op `up` as a whole process, a 1,000-route apply. It asserts nothing; it prints what it saw,
 * with the machine's load average beside every figure, and writes the same as JSON with --json.
 *
 *   npm run bench [-- --quick] [--rounds N] [--seconds S] [--json FILE] [--only a,b] [--keep]
 *   sections: compare, probe, underload, reconnect, noop, routes, cold; tail and stack-variants
 *   (experiments, run only when named)
 *   cold removes tunnelgate's images first (bench/lib/cold.ts) and runs after the stack is gone,
 *   once the machine has settled (bench/lib/load.ts)
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { teardown } from '../scripts/deploy/teardown.js';
import * as engine from '../scripts/engine/index.js';
import { coldUp } from './lib/cold.js';
import { compareAll, probe, summarize } from './lib/compare.js';
import { experimentsTable, tailExperiments } from './lib/experiments.js';
import { benchImage } from './lib/image.js';
import { loadAverage, settle } from './lib/load.js';
import { coldLine, probeTable, ratios, runLine, summaryTable, timingsTable, underLoadTable } from './lib/report.js';
import { applyFile, defineStack, HOST, USER } from './lib/stack.js';
import { stackVariants, stackVariantsTable } from './lib/stack-variants.js';
import { noopUp, routesApply } from './lib/timings.js';
import { startTopology } from './lib/topology.js';
import { reconnects, reloadsUnderLoad, rotationsUnderLoad } from './lib/under-load.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    json: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DEFAULT_SECTIONS = ['compare', 'probe', 'underload', 'reconnect', 'noop', 'routes', 'cold'];
const sections = new Set(flags.only ? flags.only.split(',') : DEFAULT_SECTIONS);
const rounds = Number(flags.rounds ?? (flags.quick ? 1 : 3));
const seconds = Math.min(15, Number(flags.seconds ?? (flags.quick ? 3 : 10)));
const out: Record<string, unknown> = { started: new Date().toISOString(), cpus: cpus().length, rounds, seconds, loadAtStart: loadAverage() };
const say = (line: string) => console.log(line);

await engine.ping();
const image = await benchImage((line) => process.stderr.write(`  ${line}\n`));
const stack = await defineStack();
say(
  `tunnelgate bench: project ${stack.project}, bench image ${image.tag}${image.built ? ' (built now)' : ''}; ${rounds} round(s) of ${seconds} s; load average ${loadAverage().toFixed(2)} on ${cpus().length} CPUs`,
);
try {
  const up = await applyFile(stack.file);
  say(`stack up in ${Math.round(up.ms)} ms (${up.ops} ops)`);
  const topo = await startTopology({ project: stack.project, network: stack.network, host: HOST, user: USER, privateKey: stack.key.private, image: image.tag });
  out.topology = topo.urls;
  if (sections.has('compare')) {
    say('\nside by side (wrk from client A; interleaved: every round runs every workload against every target):');
    const runs = await compareAll(topo, rounds, seconds, (r) => say(runLine(r)));
    const summary = summarize(runs);
    Object.assign(out, { runs, summary, ratios: ratios(summary) });
    say(`\n${summaryTable(summary, rounds)}`);
  }
  if (sections.has('probe')) {
    out.probe = await probe(topo, flags.quick ? 3 : 5);
    say(`\n${probeTable(out.probe as Awaited<ReturnType<typeof probe>>)}`);
  }
  if (sections.has('tail')) {
    say('\ntail experiments:');
    out.tail = await tailExperiments(topo, rounds, seconds, say);
    say(experimentsTable(out.tail as Awaited<ReturnType<typeof tailExperiments>>));
  }
  if (sections.has('stack-variants')) {
    say("\nstack variants (one setting of the stack's HAProxy at a time, interleaved with Caddy):");
    out.stackVariants = await stackVariants(stack.project, topo, rounds, seconds, say);
    say(stackVariantsTable(out.stackVariants as Awaited<ReturnType<typeof stackVariants>>));
  }
  if (sections.has('underload')) {
    const n = flags.quick ? 2 : 5;
    const records = [...(await reloadsUnderLoad(stack, topo, seconds, n)), ...(await rotationsUnderLoad(stack, topo, seconds, n))];
    out.underLoad = records;
    say(`\n${underLoadTable(records)}`);
  }
  const timings: Record<string, unknown> = {};
  if (sections.has('reconnect')) timings.reconnect = await reconnects(topo, flags.quick ? 1 : 5);
  if (sections.has('noop')) {
    const times = flags.quick ? 1 : 3;
    const noop = [await noopUp(stack, ['--no-acme'], times)];
    // A plain `up` also asks the CA for hosts still on placeholders: issue them first (from the
    // embedded Pebble), so that `npm run up` as a user runs it has nothing to do either.
    const issued = await applyFile(stack.file, true);
    timings.firstIssuanceMs = issued.ms;
    noop.push(await noopUp(stack, [], times));
    timings.noop = noop;
  }
  if (sections.has('routes')) timings.routes = await routesApply(stack, topo, 1000);
  if (Object.keys(timings).length) {
    Object.assign(out, timings);
    const rc = timings.reconnect as { ms: number[] } | undefined;
    const issued = typeof timings.firstIssuanceMs === 'number' ? `\n  up with the first issuance (embedded Pebble)  ${Math.round(timings.firstIssuanceMs)} ms` : '';
    say(`\ntimings (load average ${loadAverage().toFixed(2)}):\n${timingsTable(rc?.ms, (timings.noop as never) ?? [], timings.routes as never)}${issued}`);
  }
} finally {
  out.loadAtEnd = loadAverage();
  if (flags.keep) say(`\nkept: remove with \`npm run down -- --project ${stack.project} --volumes\``);
  else await teardown(stack.project, { volumes: true, log: () => {} });
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(out, null, 2)}\n`);
}
if (sections.has('cold') && !flags.keep) {
  const settled = await settle();
  say(
    `\ncold \`npm run up\` (tunnelgate's images removed first; after ${(settled.waitedMs / 1000).toFixed(0)} s for a settled machine, CPU ${(settled.idle * 100).toFixed(0)} % idle; load average ${loadAverage().toFixed(2)}):`,
  );
  const cold = await coldUp();
  out.cold = { ...cold, settled };
  say(coldLine(cold));
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(out, null, 2)}\n`);
}
say(`\n${new Date().toISOString()}: load average ${loadAverage().toFixed(2)} at the end; project ${stack.project} ${flags.keep ? 'kept' : 'removed'}${flags.json ? `; JSON in ${flags.json}` : ''}`);
