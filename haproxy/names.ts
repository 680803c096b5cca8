/**
 * Names and paths the HAProxy side derives from the model: backend names, page files and the
 * default certificate. Shared by the cfg, crt-list and page renderers so they always agree.
 */
import { certName, certPath, DEFAULT_CERT_NAME, HAPROXY } from '../stacks/layout.js';
import { type RouteModel, routeTls } from '../stacks/model.js';

/** Where the haproxy part of the config volume lives (beside haproxy.cfg). */
const HAPROXY_DIR = HAPROXY.cfg.slice(0, HAPROXY.cfg.lastIndexOf('/'));

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

/** An HTTP route's backend: `be_<host>`, e.g. `be_app.example.com`, `be__wildcard.example.com`. */
export function backendName(host: string): string {
  return `be_${safeName(host)}`;
}

/** A passthrough route's backend (mode tcp): `pt_<host>`; only these names are in the SNI map. */
export function passthroughBackendName(host: string): string {
  return `pt_${safeName(host)}`;
}

/** The backend a route's traffic goes to, whatever its TLS mode. */
export function routeBackendName(route: RouteModel): string {
  return routeTls(route) === 'passthrough' ? passthroughBackendName(route.host) : backendName(route.host);
}

/** The frontend and the backend of a `tcp:` route: `tcp_<port>`. */
export function tcpProxyName(port: number): string {
  return `tcp_${port}`;
}

/** The userlist of a route with basic auth. */
export function userlistName(host: string): string {
  return `ul_${safeName(host)}`;
}

/** Host -> backend of terminated routes; the Host header and the TLS name are both looked up in it. */
export const HOSTS_MAP = `${HAPROXY_DIR}/maps/hosts.map`;

/** SNI -> `pt_` backend of passthrough routes, read by the :443 frontend before any TLS. */
export const SNI_MAP = `${HAPROXY_DIR}/maps/sni.map`;

/** Backends of private routes (access rules): for them SNI and Host must name the same route. */
export const PRIVATE_BACKENDS = `${HAPROXY_DIR}/maps/private-backends.lst`;

/** Where the allow lists and the CA files of routes live. */
export const ALLOW_DIR = `${HAPROXY_DIR}/allow`;
export const CA_DIR = `${HAPROXY_DIR}/ca`;

/** The allowed addresses of a route (`src -f`), replaceable at run time. */
export function allowListPath(name: string): string {
  return `${ALLOW_DIR}/${safeName(name)}.lst`;
}

/** A CA file a route names: `upstream` (what the target's certificate must chain to) or `clients` (mTLS). */
export function caFilePath(host: string, role: 'upstream' | 'clients'): string {
  return `${CA_DIR}/${safeName(host)}.${role}.pem`;
}

/**
 * The internal listener between the :443 SNI router and the TLS-terminating frontend: an
 * abstract UNIX socket, private to the container's network namespace (only HAProxy runs there).
 */
export const TLS_INTERNAL_ADDRESS = 'abns@tunnelgate-https';

/** The backend of the :443 router that hands connections to the terminating frontend. */
export const TLS_TERMINATE_BACKEND = 'tls_terminate';

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

/** Pages HAProxy answers for access rules: no client certificate, a refused address, a misdirected request. */
export const ACCESS_PAGES = {
  certificate: `${HAPROXY.pagesDir}/_403-certificate.html`,
  address: `${HAPROXY.pagesDir}/_403-address.html`,
  misdirected: `${HAPROXY.pagesDir}/_421.html`,
} as const;

/** The content type of the pages HAProxy answers by itself, as HAProxy's `content-type` argument. */
export const HTML_CONTENT_TYPE = 'content-type "text/html; charset=utf-8"';
