/**
 * The renewer program as one file: certs/renewer/main.ts and everything it imports
 * (acme-client, axios, @peculiar/x509) bundled by esbuild for Debian's Node 20, so the image
 * is built without npm (containers here may not reach the npm registry; Debian's mirror is
 * enough for the rest).
 */

import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** Bundles the renewer; returns the JavaScript text (deterministic for the same sources). */
export function bundleRenewer(repoRoot: string): string {
  const res = buildSync({
    entryPoints: [join(repoRoot, 'certs', 'renewer', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS: acme-client and axios `require()` Node built-ins, which an ESM bundle cannot.
    format: 'cjs',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const bundle = res.outputFiles[0]?.text;
  if (bundle === undefined) throw new Error('esbuild produced no output for the renewer');
  return bundle;
}
