/** The `logs:` section: access logs on or off, and how much of them to keep. */
import type { LogsModel } from '../../stacks/model.js';
import { int, obj } from './problems.js';

/** The logs model, or `undefined` when the section is absent (types were checked by the schema walk). */
export function validateLogs(raw: unknown): LogsModel | undefined {
  if (raw === undefined || raw === null) return undefined;
  const logs = obj(raw);
  return { access: logs.access === true, maxFileMB: int(logs.maxFileMB, 10), maxFiles: int(logs.maxFiles, 5) };
}
