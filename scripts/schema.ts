#!/usr/bin/env -S npx tsx
/** Regenerates edge.schema.json from the schema source (scripts/lib/schema.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/images.js';
import { toJsonSchema } from './lib/schema.js';

writeFileSync(join(REPO_ROOT, 'edge.schema.json'), `${JSON.stringify(toJsonSchema(), null, 2)}\n`);
console.log('wrote edge.schema.json');
