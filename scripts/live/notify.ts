/**
 * Delivers a renewal alert where edge.yaml's `notify` says: a command on this machine (the JSON
 * on its stdin) and/or a webhook (the JSON POSTed). Each is bounded in time; each failure is
 * reported, never swallowed, since an alert that cannot be delivered is itself an alert.
 */
import { spawn } from 'node:child_process';
import type { NotifyModel } from '../../stacks/model.js';
import type { RenewalAlert } from '../report/renewal-alert.js';

const TIMEOUT_MS = 30_000;

export interface Delivery {
  to: string;
  ok: boolean;
  detail: string;
}

/** Runs the command with the report on stdin; ok on exit 0 within the timeout. */
function runCommand(command: string, body: string): Promise<Delivery> {
  return new Promise((resolve) => {
    const child = spawn(command, [], { stdio: ['pipe', 'ignore', 'pipe'], timeout: TIMEOUT_MS, env: { ...process.env, TUNNELGATE_ALERT: '1' } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 2000) stderr += b.toString();
    });
    child.on('error', (err) => resolve({ to: command, ok: false, detail: err.message }));
    child.on('close', (code, signal) => {
      const why = signal ? `killed by ${signal}${signal === 'SIGTERM' ? ` after ${TIMEOUT_MS / 1000}s` : ''}` : `exit ${code}`;
      resolve({ to: command, ok: code === 0, detail: `${why}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    });
    // A command that does not read its stdin must not break the delivery.
    child.stdin.on('error', () => undefined);
    child.stdin.end(body);
  });
}

/** POSTs the report; ok on a 2xx within the timeout. Only the URL's origin is ever shown: its path often holds a token. */
async function postWebhook(url: string, body: string): Promise<Delivery> {
  const to = `${new URL(url).origin}/…`;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'tunnelgate-renew' }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
    return { to, ok: res.ok, detail: `HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    return { to, ok: false, detail: `${(err as Error).message}${cause ? `: ${cause.message}` : ''}` };
  }
}

/** Sends the alert to every receiver `notify` names, in parallel. */
export async function deliverAlert(notify: NotifyModel, alert: RenewalAlert): Promise<Delivery[]> {
  const body = `${JSON.stringify(alert, null, 2)}\n`;
  return Promise.all([...(notify.command ? [runCommand(notify.command, body)] : []), ...(notify.webhook ? [postWebhook(notify.webhook, body)] : [])]);
}
