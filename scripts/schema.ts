/** `npm run schema`: regenerates edge.schema.json from the schema source (scripts/config/schema.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './config/repo.js';
import { toJsonSchema } from './config/schema.js';

writeFileSync(join(REPO_ROOT, 'edge.schema.json'), `${JSON.stringify(toJsonSchema(), null, 2)}\n`);
console.log('wrote edge.schema.json');
