/**
 * Reads what `status` shows about certificates from the running haproxy container: the renewer's
 * metadata beside each PEM, else HAProxy's loaded certificate through the master socket. In bulk:
 * one `docker exec` per host took 150 s for 1,000 routes (bench/scale.ts), one shell loop forking
 * per host 5.9 s.
 */
import { basename } from 'node:path';
import { parseCertMeta } from '../../certs/cert-meta.js';
import { parseShowSslCert, showSslCertCommand } from '../../haproxy/runtime-certs.js';
import { certMetaPath, certPath, MOUNTS } from '../../stacks/layout.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import type { CertObservation } from '../report/certificates.js';
import { masterCli } from './haproxy-control.js';

/** Commands per master CLI line: 100 `show ssl cert` of ~45 bytes stay well inside its buffer. */
const SHOW_BATCH = 100;

/**
 * HAProxy's loaded certificate for each path, in order: the commands go `;`-separated on one
 * master CLI line per batch (each answer ends with an empty line), so 1,000 placeholders cost ten
 * round trips, not a thousand. As HAProxy's user: root in the locked-down container may not open
 * the master socket.
 */
async function servedCertificates(container: string, paths: string[]): Promise<string[]> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += SHOW_BATCH) batches.push(paths.slice(i, i + SHOW_BATCH));
  const answers = await Promise.all(
    batches.map(async (batch) => {
      // A master without a worker yet (or a torn answer) leaves these hosts without served facts,
      // which status shows as unknown, rather than failing the whole report.
      const text = await masterCli(container, batch.map((path) => showSslCertCommand(path)).join('; ')).catch(() => '');
      const blocks = text.replace(/\n+$/, '').split(/\n\n/);
      return blocks.length === batch.length ? blocks : batch.map(() => '');
    }),
  );
  return answers.flat();
}

/** One observation per route host; a host whose files cannot be read gets an empty one. */
export async function readCertificateFacts(container: string, model: EdgeModel): Promise<Record<string, CertObservation>> {
  const routes = terminatedRoutes(model);
  if (routes.length === 0) return {};
  // Through the archive API, so neither the file modes the renewer gives nor one process per file
  // matter; a missing file (no renewal yet) is simply absent.
  const listing = await engine.readDir(container, MOUNTS.certs, (name) => name.endsWith('.json'));
  const metas = routes.map((r) => parseCertMeta(listing.contents[basename(certMetaPath(r.host))]?.trim() || undefined));
  // Metadata with only a failed first attempt (no notAfter) is followed by the served placeholder too.
  const unserved = routes.filter((_, i) => !metas[i]?.notAfter);
  const answers = await servedCertificates(
    container,
    unserved.map((r) => certPath(r.host)),
  );
  const served = new Map(unserved.map((r, i) => [r.host, parseShowSslCert(answers[i]!)]));
  return Object.fromEntries(
    routes.map((r, i) => {
      const meta = metas[i];
      const loaded = served.get(r.host);
      return [r.host, { ...(meta ? { meta } : {}), ...(loaded ? { served: loaded } : {}) }];
    }),
  );
}
