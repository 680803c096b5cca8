/**
 * Seeded, reproducible mutations of valid edge.yaml files for the fuzz tests: random keys, wrong
 * types, unicode and control characters, huge values, deep nesting, YAML tags, anchors and
 * aliases, and raw text damage. The same seed always yields the same cases, so a failure prints
 * the seed and the case number to replay it.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ECDSA, ED25519, RSA2048 } from '../unit/fixtures/config/keys.js';
import { CHARS, KEYS, ODD_KEYS, TEXT_SNIPPETS } from './vocabulary.js';

/** mulberry32: a tiny, fast PRNG; `next()` is in [0, 1). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const example = readFileSync(new URL('../../edge.example.yaml', import.meta.url), 'utf8');

/** Valid starting points: the shipped example, a full config, and a tiny one. */
const FULL = {
  project: 'edge-1',
  ports: { http: 8080, https: 8443, ssh: 2222 },
  acme: { ca: 'pebble', renewBeforeDays: 20, challenge: 'dns-01', dnsHook: './hook.sh' },
  users: { alice: { keys: [ED25519, ECDSA] }, bob: { keys: [RSA2048] } },
  routes: [
    { host: 'alice.example.com', tunnel: 'alice', replicas: 3 },
    { host: 'bob.example.com', tunnel: 'bob' },
    { host: '*.example.com', upstream: 'http://192.168.1.30:80' },
    { host: 'nas.example.com', upstream: 'https://nas.lan:5001' },
  ],
  limits: { containers: { haproxy: { memory: '1g', nofile: 40000 }, sshd: { pids: 4096 } } },
};
const TINY = { acme: { ca: 'pebble' } };
const BASES: string[] = [example, stringify(FULL), stringify(TINY)];

function randomString(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return r.pick(ODD_KEYS);
    case 1:
      return Array.from({ length: 1 + r.int(20) }, () => r.pick(CHARS)).join('');
    case 2:
      // Huge: up to 200 KB (kept moderate so 10,000 cases stay fast).
      return r.pick(['a', 'é', '😀', '.', 'x.']).repeat(1 + r.int(r.chance(0.2) ? 100_000 : 300));
    case 3:
      return r.pick([
        ED25519,
        ECDSA,
        RSA2048,
        'alice',
        'pebble',
        'dns-01',
        'http://10.0.0.1',
        'https://x),lower,concat(',
        '512m',
        '0g',
        '99999999g',
        '*.example.com',
        'a.example.com',
        '../../etc/passwd',
        '-rf',
        '$(id)',
      ]);
    case 4:
      return r.pick(KEYS);
    default:
      return `${r.pick(KEYS)}${r.pick(CHARS)}${r.int(1000)}`;
  }
}

function deep(r: Rng, depth: number): unknown {
  let v: unknown = randomScalar(r);
  const asList = r.chance(0.5);
  for (let i = 0; i < depth; i++) v = asList ? [v] : { [r.pick(KEYS)]: v };
  return v;
}

function randomScalar(r: Rng): unknown {
  return r.pick([
    () => randomString(r),
    () => r.pick([0, -1, 1, 22, 443, 65535, 65536, 2 ** 53 + 1, 1e308, -1e308, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e-300]),
    () => r.chance(0.5),
    () => null,
  ])();
}

function randomValue(r: Rng): unknown {
  switch (r.int(6)) {
    case 0:
      return deep(r, 1 + r.int(r.chance(0.1) ? 3000 : 40));
    case 1:
      return Array.from({ length: r.int(r.chance(0.05) ? 500 : 6) }, () => randomScalar(r));
    case 2:
      return Object.fromEntries(Array.from({ length: r.int(5) }, () => [randomString(r).slice(0, 200), randomScalar(r)]));
    default:
      return randomScalar(r);
  }
}

/** Every container (object or array) in a value, with itself: the places a mutation can hit. */
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (v && typeof v === 'object') {
    out.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

function mutateValue(doc: unknown, r: Rng): unknown {
  const root = doc && typeof doc === 'object' ? doc : {};
  for (let n = 1 + r.int(3); n > 0; n--) {
    const target = r.pick(containers(root));
    const keys = Object.keys(target);
    const key = Array.isArray(target) ? String(r.int(target.length + 1)) : keys.length && r.chance(0.7) ? r.pick(keys) : r.chance(0.5) ? r.pick(KEYS) : randomString(r).slice(0, 300);
    if (r.chance(0.2)) delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = randomValue(r);
  }
  return root;
}

function mutateText(text: string, r: Rng): string {
  let out = text;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(out.length + 1);
    switch (r.int(5)) {
      case 0:
        out = out.slice(0, at) + r.pick(CHARS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + r.pick(TEXT_SNIPPETS) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + r.int(40));
        break;
      case 3: {
        const lines = out.split('\n');
        const i = r.int(lines.length);
        lines.splice(r.int(lines.length), 0, lines[i] ?? '');
        out = lines.join('\n');
        break;
      }
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

/** Case `i` of the run with `seed`: a mutated config text (deterministic). */
export function fuzzCase(seed: number, i: number): string {
  const r = rng(seed * 1_000_003 + i);
  const base = r.pick(BASES);
  if (r.chance(0.35)) return mutateText(base, r);
  let value: unknown;
  try {
    value = JSON.parse(JSON.stringify(r.chance(0.5) ? FULL : TINY));
  } catch {
    value = {};
  }
  value = mutateValue(value, r);
  let text: string;
  try {
    text = stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });
  } catch {
    text = JSON.stringify(value) ?? '';
  }
  return r.chance(0.3) ? mutateText(text, r) : text;
}
