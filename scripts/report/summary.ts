/** A human summary of a validated model, as `up --dry-run` prints it. Pure. */
import type { EdgeModel } from '../../stacks/model.js';

export function renderSummary(model: EdgeModel, source: string): string {
  const lines = [
    `config:  ${source}`,
    `project: ${model.project}`,
    `ports:   http ${model.ports.http}, https ${model.ports.https}, ssh ${model.ports.ssh}`,
    `acme:    ${model.acme.ca} (${model.acme.directoryUrl})${model.acme.email ? `, ${model.acme.email}` : ''}, renew ${model.acme.renewBeforeDays} days before expiry${model.acme.challenge === 'dns-01' ? `, dns-01 via ${model.acme.dnsHook}` : ''}`,
    `users:   ${model.users.length === 0 ? '(none)' : model.users.map((u) => `${u.name} (${u.keys.length} key${u.keys.length === 1 ? '' : 's'})`).join(', ')}`,
    `routes:  ${model.routes.length === 0 ? '(none)' : ''}`,
  ];
  for (const r of model.routes) {
    const target = r.kind === 'tunnel' ? `tunnel ${r.user}${r.replicas > 1 ? ` x${r.replicas}` : ''}` : `upstream ${r.upstream.url}`;
    lines.push(`  https://${r.host} -> ${target}${r.tls && r.tls !== 'terminate' ? ` (${r.tls})` : ''}`);
  }
  for (const t of model.tcp ?? []) lines.push(`  tcp :${t.port} -> ${t.kind === 'tunnel' ? `tunnel ${t.user}` : `upstream ${t.upstream.url}`}`);
  if (model.networks?.length) lines.push(`networks: ${model.networks.join(', ')}`);
  // Only when used, so a config without them reads as before.
  if (model.sshCA.length) lines.push(`sshCA:   ${model.sshCA.length} certificate authorit${model.sshCA.length === 1 ? 'y' : 'ies'}`);
  for (const s of model.shares) lines.push(`share:   ${s.name} (${s.owner} -> ${s.with.join(', ')})`);
  return lines.join('\n');
}

/** What `up` warns about before it changes anything: choices that weaken the edge on purpose. */
export function renderWarnings(model: EdgeModel): string[] {
  return model.routes
    .filter((r) => r.tls === 'reencrypt' && r.verify === false)
    .map((r) => `${r.host}: the certificate of ${r.kind === 'upstream' ? r.upstream.url : `${r.user}'s tunnel`} is not verified (verify: false); anyone on the path to it can impersonate it`);
}
