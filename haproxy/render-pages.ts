/**
 * The HTML bodies HAProxy answers by itself: one 503 page per tunnel route, one 404 page for
 * unknown hosts, and the refusals of private routes. Pure; HAProxy loads them at startup/reload.
 */

import { tunnelSocketPaths } from '../stacks/layout.js';
import type { OfflinePage, TunnelRoute } from '../stacks/model.js';

/** The local service the instructions point at; only an example, any local address works. */
const LOCAL_TARGET = 'localhost:8080';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function page(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5}pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}</style>',
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The exact command that opens slot `socket` of a tunnel route. */
function tunnelCommand(route: TunnelRoute, socket: string, sshPort: number): string {
  return `ssh -N -R ${socket}:${LOCAL_TARGET} -p ${sshPort} ${route.user}@${route.host}`;
}

/**
 * The 503 page of a tunnel route. `plain` (the default) says only that the host is offline:
 * the public learns no user name or SSH port. `instructions` names the owner and gives the exact
 * command that brings it online (a demo, a private edge).
 */
export function renderTunnelPage(route: TunnelRoute, sshPort: number, kind: OfflinePage = 'plain'): string {
  if (kind === 'plain') {
    const body = [`<h1>${escapeHtml(route.host)} is offline</h1>`, '<p>The service behind this address is not reachable right now. Please try again later.</p>'];
    return page(`${route.host} is offline`, body.join('\n'));
  }
  const [first, ...extra] = tunnelSocketPaths(route);
  const lines = [
    `<h1>${escapeHtml(route.host)} is offline</h1>`,
    `<p>This address is served through a tunnel owned by <b>${escapeHtml(route.user)}</b>, and no tunnel is open right now.</p>`,
    '<p>To bring it online, run this on the machine with the service:</p>',
    `<pre>${escapeHtml(tunnelCommand(route, first!, sshPort))}</pre>`,
    `<p><code>${LOCAL_TARGET}</code> is the local service being published: change it to the address and port your service listens on.</p>`,
  ];
  if (extra.length > 0) {
    lines.push(`<p>Up to ${route.replicas} instances are load-balanced; open more with the same command using these socket paths:</p>`);
    lines.push(`<pre>${extra.map(escapeHtml).join('\n')}</pre>`);
  }
  // Why offer the cipher: bulk throughput is bound by SSH encryption, and aes128-gcm is ~1.5x
  // chacha20 on x86 with AES-NI (REFERENCE.md); the client chooses, so the hint belongs here.
  lines.push('<p>Faster on x86 machines: add <code>-c aes128-gcm@openssh.com</code>.</p>');
  return page(`${route.host} is offline`, lines.join('\n'));
}

/** The 404 page for a Host no route claims; it says nothing about the routes that exist. */
export function renderUnknownHostPage(): string {
  return page('Unknown host', '<h1>Unknown host</h1>\n<p>No site is configured for this address.</p>');
}

/** The refusals of private routes, each saying why (and nothing about who may get in). */
export function renderAccessPages(): { certificate: string; address: string; misdirected: string } {
  return {
    certificate: page(
      'Client certificate required',
      '<h1>403 - client certificate required</h1>\n<p>This site only answers browsers and clients that present a certificate issued for it. None was sent, or the one sent was not issued by the right authority or has expired.</p>',
    ),
    address: page('Address not allowed', '<h1>403 - address not allowed</h1>\n<p>This site only answers requests from certain networks, and yours is not one of them.</p>'),
    misdirected: page(
      'Misdirected request',
      '<h1>421 - misdirected request</h1>\n<p>This connection was opened for another name than the one requested. Your browser retries on a new connection; other clients should connect with the name of this site (SNI).</p>',
    ),
  };
}
