/** The `notify:` section: a command and/or a webhook that hear about certificate trouble. */
import type { NotifyModel } from '../../stacks/model.js';
import { int, obj, type Problems, str } from './problems.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** A webhook URL: https, or http to a loopback address (a local relay); `undefined` when fine. */
function webhookProblem(text: string): { problem: string; hint?: string } | undefined {
  if (!URL.canParse(text)) return { problem: `"${text}" is not a URL`, hint: 'e.g. https://hooks.example.com/tunnelgate' };
  const url = new URL(text);
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return undefined;
  return { problem: `webhook "${text}" must use https://`, hint: 'the report names your hosts and their failures; plain http is accepted only to a loopback address' };
}

/** The notify model, or `undefined` when the section is absent, reporting every problem into `out`. */
export function validateNotify(raw: unknown, out: Problems): NotifyModel | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = obj(raw);
  const command = str(n.command);
  const webhook = str(n.webhook);
  if (command === undefined && webhook === undefined) out.at(['notify'], 'needs a command or a webhook', 'e.g. command: ./on-renew-failure.sh, or webhook: https://hooks.example.com/tunnelgate');
  // Existence and the executable bit need the file system: loadConfig checks them.
  if (command !== undefined && (command.trim() === '' || /[\0\n\r]/.test(command)))
    out.at(['notify', 'command'], `${JSON.stringify(command)} is not a file path`, 'e.g. ./on-renew-failure.sh, relative to edge.yaml');
  const bad = webhook === undefined ? undefined : webhookProblem(webhook);
  if (bad) out.at(['notify', 'webhook'], bad.problem, bad.hint);
  return { ...(command !== undefined ? { command } : {}), ...(webhook !== undefined ? { webhook } : {}), daysLeft: int(n.daysLeft, 14) };
}
