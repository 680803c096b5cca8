/**
 * The renewer program as one file: certs/renewer/main.ts and everything it imports
 * (acme-client, axios, @peculiar/x509) bundled by esbuild for Debian's Node 20, so the image
 * is built without npm (containers here may not reach the npm registry; Debian's mirror is
 * enough for the rest).
 */
import { join } from 'node:path';

export interface RenewerBundle {
  /** The JavaScript text (deterministic for the same sources). */
  code: string;
  /** Every file that went into it, relative to the repo. */
  inputs: string[];
}

/** Bundles the renewer. esbuild is loaded only here, only when a bundle is needed. */
export async function bundleRenewer(repoRoot: string): Promise<RenewerBundle> {
  const esbuild = await import('esbuild');
  const res = await esbuild.build({
    entryPoints: [join(repoRoot, 'certs', 'renewer', 'main.ts')],
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS: acme-client and axios `require()` Node built-ins, which an ESM bundle cannot.
    format: 'cjs',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = res.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no output for the renewer');
  return { code, inputs: Object.keys(res.metafile.inputs) };
}
