/**
 * Names and paths the HAProxy side derives from the model: backend names, page files and the
 * default certificate. Shared by the cfg, crt-list and page renderers so they always agree.
 */
import { certName, certPath, DEFAULT_CERT_NAME, HAPROXY } from '../stacks/layout.js';

/**
 * The certificate HAProxy presents when no SNI matches (and the only one with zero routes).
 * The engine must always provide it (a self-signed placeholder whose names match no route);
 * it is the first line of the crt-list, which makes it the bind's default certificate.
 */
export const DEFAULT_CERT = certPath(DEFAULT_CERT_NAME);

/** Page answered with 404 for a Host that no route claims. `_` cannot start a DNS label, so no host collides. */
export const UNKNOWN_HOST_PAGE = `${HAPROXY.pagesDir}/_404.html`;

/** Backend that answers unknown hosts; no `be_` prefix, so it can never be mistaken for a route. */
export const UNKNOWN_HOST_BACKEND = 'unknown_host';

/** Backend that forwards HTTP-01 challenges to the renewer container. */
export const ACME_BACKEND = 'acme';

/**
 * A host as a name HAProxy accepts (letters, digits, `-`, `_`, `.` and `:`), readable: validated
 * hosts keep their spelling, a wildcard reads like its certificate file (`_wildcard.example.com`,
 * which no DNS name can collide with), and anything else becomes `_`.
 */
function safeName(host: string): string {
  return certName(host.toLowerCase()).replace(/[^a-z0-9._-]/g, '_');
}

/** The route's backend: `be_<host>`, e.g. `be_app.example.com`, `be__wildcard.example.com`. */
export function backendName(host: string): string {
  return `be_${safeName(host)}`;
}

/** The 503 page of a tunnel route, shown while none of its sockets answers. */
export function tunnelPagePath(host: string): string {
  return `${HAPROXY.pagesDir}/${safeName(host)}.html`;
}

/** The server of tunnel slot `slot` (1-based) in its route's backend: `slot1`, `slot2`, … */
export function slotServerName(slot: number): string {
  return `slot${slot}`;
}

/** The one server of an upstream route's backend. */
export const UPSTREAM_SERVER = 'upstream';

/** The content type of the pages HAProxy answers by itself, as HAProxy's `content-type` argument. */
export const HTML_CONTENT_TYPE = 'content-type "text/html; charset=utf-8"';
