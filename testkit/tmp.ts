/** One temporary folder per process for keys, configs and known_hosts files. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tmp = mkdtempSync(join(tmpdir(), 'tunnelgate-kit-'));
