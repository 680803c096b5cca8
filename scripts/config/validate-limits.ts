/** The `limits:` section: sshd's connection limits and the containers' resources, defaults filled in. */
import type { LimitsModel } from '../../stacks/model.js';
import { int, obj, type Problems } from './problems.js';
import { LIMIT_DEFAULTS } from './schema-limits.js';
import { validateContainerLimits } from './validate-container-limits.js';

/** `20:30:100` or `20` (= 20:100:20) → its parts; `undefined` for anything else (reported). */
function startups(raw: unknown): LimitsModel['maxStartups'] | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw)) return { start: raw, rate: 100, full: raw };
  const m = typeof raw === 'string' ? /^(\d+):(\d+):(\d+)$/.exec(raw) : null;
  return m ? { start: Number(m[1]), rate: Number(m[2]), full: Number(m[3]) } : undefined;
}

/** The limits, each default where edge.yaml says nothing. */
export function validateLimits(raw: unknown, out: Problems): LimitsModel {
  const l = obj(raw);
  const maxStartups = startups(l.maxStartups ?? LIMIT_DEFAULTS.maxStartups) ?? (startups(LIMIT_DEFAULTS.maxStartups) as LimitsModel['maxStartups']);
  const { start, rate, full } = maxStartups;
  if (typeof l.maxStartups === 'string' && (start < 1 || rate < 1 || rate > 100 || full < start)) {
    out.at(
      ['limits', 'maxStartups'],
      `"${l.maxStartups}" is not start:rate:full with 1 <= start <= full and rate 1-100`,
      'e.g. 20:30:100: from 20 unauthenticated connections on, drop 30% of new ones, all of them at 100',
    );
  }
  const perSourceMaxStartups = int(l.perSourceMaxStartups, LIMIT_DEFAULTS.perSourceMaxStartups);
  if (perSourceMaxStartups > full) {
    out.at(['limits', 'perSourceMaxStartups'], `${perSourceMaxStartups} is more than maxStartups allows in all (${full})`, 'one address can never hold more than all addresses together');
  }
  return {
    tunnelsPerUser: int(l.tunnelsPerUser, LIMIT_DEFAULTS.tunnelsPerUser),
    maxStartups,
    perSourceMaxStartups,
    perSourcePenalties: typeof l.perSourcePenalties === 'boolean' ? l.perSourcePenalties : LIMIT_DEFAULTS.perSourcePenalties,
    containers: validateContainerLimits(l.containers, out),
  };
}
