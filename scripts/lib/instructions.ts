/**
 * Fetches what connect instructions need from the running stack (the host key) and renders them.
 */
import { hostPublicKeyArgv } from '../../sshd/image-paths.js';
import { knownHostsLine, renderConnectInstructions } from '../../sshd/connect-instructions.js';
import * as engine from './engine.js';
import type { EdgeModel } from './model.js';
import { containerName } from './stack.js';

/** The server name users connect to: --server-host, else the user's first route host. */
export function serverHostFor(model: EdgeModel, user: string, override?: string): string {
  if (override) return override;
  const route = model.routes.find((r) => r.kind === 'tunnel' && r.user === user);
  return route?.host.endsWith('.localhost') ? 'localhost' : (route?.host ?? 'localhost');
}

export async function connectInstructions(model: EdgeModel, user: string, opts: { serverHost?: string; identityFile?: string } = {}): Promise<string> {
  const serverHost = serverHostFor(model, user, opts.serverHost);
  const res = await engine.exec(containerName(model.project, 'sshd'), hostPublicKeyArgv()).catch(() => undefined);
  const known = res && res.exitCode === 0 ? knownHostsLine(serverHost, model.ports.ssh, res.stdout) : undefined;
  return renderConnectInstructions(model, user, { serverHost, ...(known ? { knownHostsLine: known } : {}), ...(opts.identityFile ? { identityFile: opts.identityFile } : {}) });
}
