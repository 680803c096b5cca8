/**
 * Reads what `status` shows about certificates from the running haproxy container: the renewer's
 * metadata beside each PEM, else HAProxy's loaded certificate through the master socket. One
 * `docker exec` for all hosts: one per host took 150 s for 1,000 routes (bench/scale.ts).
 */
import { parseCertMeta } from '../../certs/cert-meta.js';
import { parseShowSslCert, showSslCertCommand } from '../../haproxy/runtime-certs.js';
import { certMetaPath, certPath, HAPROXY } from '../../stacks/layout.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import type { CertObservation } from '../report/certificates.js';

/**
 * For each (metadata file, show command) pair in $@: a `@@meta` line and the file if it exists,
 * else a `@@served` line and HAProxy's answer to the command. Metadata with only a failed first
 * attempt (no notAfter) is followed by the served placeholder too.
 */
const SCRIPT = `
while [ $# -ge 2 ]; do
  echo "@@meta"
  cat "$1" 2>/dev/null
  echo
  if ! grep -q '"notAfter"' "$1" 2>/dev/null; then
    echo "@@served"
    printf '%s\\n' "$2" | socat -t 30 stdio "unix-connect:${HAPROXY.masterSocket}"
  fi
  shift 2
done
`;

/** Splits the script's output into one {meta, served} text pair per host. */
function sections(out: string, count: number): Array<{ meta: string; served: string }> {
  const result: Array<{ meta: string; served: string }> = [];
  let current: { meta: string; served: string } | undefined;
  let into: 'meta' | 'served' = 'meta';
  for (const line of out.split('\n')) {
    if (line === '@@meta') {
      current = { meta: '', served: '' };
      result.push(current);
      into = 'meta';
    } else if (line === '@@served') into = 'served';
    else if (current) current[into] += `${line}\n`;
  }
  if (result.length !== count) throw new Error(`expected facts for ${count} certificates, got ${result.length}`);
  return result;
}

/** One observation per route host; a host whose files cannot be read gets an empty one. */
export async function readCertificateFacts(container: string, model: EdgeModel): Promise<Record<string, CertObservation>> {
  const routes = terminatedRoutes(model);
  if (routes.length === 0) return {};
  // As root: the metadata holds no secret, and this way status does not depend on the mode the
  // renewer gives it; a missing file (no renewal yet) is simply empty.
  const args = routes.flatMap((r) => [certMetaPath(r.host), showSslCertCommand(certPath(r.host))]);
  const res = await engine.exec(container, ['sh', '-c', SCRIPT, 'certificate-facts', ...args], { user: 'root' });
  const found = sections(res.stdout, routes.length);
  return Object.fromEntries(
    routes.map((r, i) => {
      const meta = parseCertMeta(found[i]!.meta.trim() || undefined);
      const served = found[i]!.served ? parseShowSslCert(found[i]!.served) : undefined;
      return [r.host, { ...(meta ? { meta } : {}), ...(served ? { served } : {}) }];
    }),
  );
}
