/** Certificates for the edge tests, made with the real `openssl`: self-signed servers, a client CA and its clients. */
import { join } from 'node:path';
import { $ } from 'zx';
import { tmp } from '../../testkit/tmp.js';

const openssl = $({ quiet: true });

export interface CertFiles {
  cert: string;
  key: string;
  /** `openssl x509 -fingerprint -sha256` of the certificate, e.g. `AB:CD:…`. */
  fingerprint: string;
}

async function fingerprint(cert: string): Promise<string> {
  return (await openssl`openssl x509 -in ${cert} -noout -fingerprint -sha256`).stdout.trim().replace(/^.*=/, '');
}

/** A self-signed ECDSA certificate for `names` (the first is the CN), in the kit's temp folder. */
export async function selfSigned(file: string, names: string[]): Promise<CertFiles> {
  const cert = join(tmp, `${file}.pem`);
  const key = join(tmp, `${file}.key`);
  const san = names.map((n) => `DNS:${n}`).join(',');
  await openssl`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${key} -out ${cert} -subj ${`/CN=${names[0]}`} -addext ${`subjectAltName=${san}`} -days 30`;
  await openssl`chmod 0600 ${key}`;
  return { cert, key, fingerprint: await fingerprint(cert) };
}

/** A client certificate `cn` issued by `ca` (a self-signed CA from `selfSigned`). */
export async function issuedBy(ca: CertFiles, file: string, cn: string): Promise<CertFiles> {
  const cert = join(tmp, `${file}.pem`);
  const key = join(tmp, `${file}.key`);
  const csr = join(tmp, `${file}.csr`);
  await openssl`openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${key} -out ${csr} -subj ${`/CN=${cn}`}`;
  await openssl`openssl x509 -req -in ${csr} -CA ${ca.cert} -CAkey ${ca.key} -CAcreateserial -out ${cert} -days 30`;
  await openssl`chmod 0600 ${key}`;
  return { cert, key, fingerprint: await fingerprint(cert) };
}
