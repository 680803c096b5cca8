/** The sshd host key from the running stack, for the known_hosts line of connect instructions. */
import { hostPublicKeyArgv } from '../../sshd/image-paths.js';
import { containerName } from '../../stacks/services.js';
import * as engine from '../engine/index.js';

/** The ed25519 host public key (`ssh-ed25519 AAAA…`), or `undefined` while sshd has not made it. */
export async function readHostKey(project: string): Promise<string | undefined> {
  const res = await engine.exec(containerName(project, 'sshd'), hostPublicKeyArgv()).catch(() => undefined);
  return res?.exitCode === 0 ? res.stdout : undefined;
}
