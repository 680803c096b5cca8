/**
 * The nightly renewal's log (`.state/<project>/renew.log`, appended to by the cron line's `>>`):
 * each run starts with a timestamped header, and the file stays bounded over years of nights.
 */
import { copyFileSync, existsSync, statSync, truncateSync } from 'node:fs';

/** Above this the log moves to `<file>.1` (replacing the previous one): at most twice this on disk. */
const MAX_BYTES = 1024 * 1024;

/**
 * Rotates `file` when it is over the limit and returns the header line for this run. The shell
 * that started us holds the file open for appending (`>>`), so it is copied and then truncated
 * in place: our own output keeps going into `file`, from its new start.
 */
export function startLogFile(file: string, now: Date, maxBytes = MAX_BYTES): string {
  if (existsSync(file) && statSync(file).size > maxBytes) {
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
  }
  return `==== ${now.toISOString()} npm run renew (pid ${process.pid}) ====`;
}
