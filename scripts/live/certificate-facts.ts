/**
 * Reads what `status` shows about certificates from the running haproxy container: the renewer's
 * metadata beside each PEM, else HAProxy's loaded certificate through the master CLI.
 */
import { parseCertMeta } from '../../certs/cert-meta.js';
import { parseShowSslCert, showSslCertCommand } from '../../haproxy/runtime-certs.js';
import { certMetaPath, certPath } from '../../stacks/layout.js';
import { type EdgeModel, terminatedRoutes } from '../../stacks/model.js';
import * as engine from '../engine/index.js';
import type { CertObservation } from '../report/certificates.js';
import { masterCli } from './haproxy-control.js';

/** One observation per route host; a host whose files cannot be read gets an empty one. */
export async function readCertificateFacts(container: string, model: EdgeModel): Promise<Record<string, CertObservation>> {
  const entries = await Promise.all(
    terminatedRoutes(model).map(async (r): Promise<[string, CertObservation]> => {
      // As root: the metadata holds no secret, and this way status does not depend on the mode
      // the renewer gives it. A missing file (no renewal yet) is a non-zero exit, not an error.
      const cat = await engine.exec(container, ['cat', certMetaPath(r.host)], { user: 'root' });
      const meta = cat.exitCode === 0 ? parseCertMeta(cat.stdout) : undefined;
      if (meta?.notAfter) return [r.host, { meta }];
      // No metadata, or only a failed first attempt: ask HAProxy what it serves (the placeholder).
      const served = parseShowSslCert(await masterCli(container, showSslCertCommand(certPath(r.host))).catch(() => ''));
      return [r.host, { ...(meta ? { meta } : {}), ...(served ? { served } : {}) }];
    }),
  );
  return Object.fromEntries(entries);
}
