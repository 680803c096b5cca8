/** What the operating tests read: Prometheus samples and access log lines. */

/** The access log's JSON fields in the documented order (README, Access logs). */
export const ACCESS_LOG_FIELDS = [
  'time',
  'client',
  'client_port',
  'frontend',
  'host',
  'method',
  'path',
  'version',
  'status',
  'bytes_out',
  'bytes_in',
  'TR',
  'Tw',
  'Tc',
  'Tr',
  'Ta',
  'backend',
  'slot',
  'retries',
  'termination',
];

/** The value of one sample of Prometheus' text format, or undefined. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Whether a log line is one JSON value. */
export function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
