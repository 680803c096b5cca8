import { HAPROXY, RENEWER } from '../stacks/layout.js';
import type { EdgeModel, RouteModel } from '../stacks/model.js';
import { routeTls } from '../stacks/model.js';
import { buildManifest, type HaproxyManifest } from './manifest.js';
import { ACCESS_PAGES, ACME_BACKEND, caFilePath, HTML_CONTENT_TYPE, tunnelPagePath, UNKNOWN_HOST_BACKEND, UNKNOWN_HOST_PAGE } from './names.js';
import { renderHttpBackends } from './render-backends.js';
import { renderCrtList } from './render-crt-list.js';
import { httpFrontend, httpsFrontend, tlsRouterSections } from './render-frontends.js';
import { globalSection, httpDefaultsSection, resolversSection, tcpDefaultsSection } from './render-global.js';
import { renderLogging } from './render-logging.js';
import { renderRuntimeFiles, runtimeFiles } from './render-maps.js';
import { renderMetricsFiles, renderMetricsGlobal, renderMetricsSections } from './render-metrics.js';
import { renderAccessPages, renderTunnelPage, renderUnknownHostPage } from './render-pages.js';
import { renderPassthroughBackends, renderTcpRoutes } from './render-tcp.js';
import { sortedRoutes } from './routes.js';
import type { Section } from './section.js';

function fixedBackends(): Section[] {
  return [
    {
      lines: [
        `backend ${ACME_BACKEND} from http`,
        // init-addr none: HAProxy starts (and stays up) while the short-lived renewer does not exist.
        `    server renewer ${RENEWER.hostname}:${RENEWER.port} resolvers docker resolve-prefer ipv4 init-addr none`,
      ],
    },
    { lines: [`backend ${UNKNOWN_HOST_BACKEND} from http`, `    http-request return status 404 ${HTML_CONTENT_TYPE} file ${UNKNOWN_HOST_PAGE}`], reads: [UNKNOWN_HOST_PAGE] },
  ];
}

const isPassthrough = (r: RouteModel) => routeTls(r) === 'passthrough';

/** Every section of haproxy.cfg, in order. */
function sections(model: EdgeModel): Section[] {
  const routes = sortedRoutes(model);
  return [
    { lines: [`# Rendered by tunnelgate for project ${model.project}. Do not edit: \`npm run up\` rewrites it.`] },
    { lines: [...globalSection(model), ...renderMetricsGlobal(model)] },
    { lines: tcpDefaultsSection },
    ...renderLogging(model, httpDefaultsSection).map((lines) => ({ lines })),
    { lines: resolversSection },
    httpFrontend(model),
    ...tlsRouterSections(model),
    httpsFrontend(model),
    ...fixedBackends(),
    ...renderTcpRoutes(model.tcp ?? []),
    ...renderPassthroughBackends(routes.filter(isPassthrough)),
    ...renderHttpBackends(routes.filter((r) => !isPassthrough(r))),
    ...renderMetricsSections(model).map((lines) => ({ lines })),
  ];
}

const cfgText = (list: Section[]) => `${list.map((s) => s.lines.join('\n')).join('\n\n')}\n`;

/** The complete haproxy.cfg for a model. */
export function renderHaproxyCfg(model: EdgeModel): string {
  return cfgText(sections(model));
}

/** The files HAProxy reads beside the cfg: pages, CA files, maps and lists. */
function sideFiles(model: EdgeModel): Record<string, string> {
  const access = renderAccessPages();
  const files: Record<string, string> = {
    [HAPROXY.crtList]: renderCrtList(model),
    [UNKNOWN_HOST_PAGE]: renderUnknownHostPage(),
    [ACCESS_PAGES.certificate]: access.certificate,
    [ACCESS_PAGES.address]: access.address,
    [ACCESS_PAGES.misdirected]: access.misdirected,
    ...renderRuntimeFiles(model),
    ...renderMetricsFiles(model),
  };
  for (const route of sortedRoutes(model)) {
    if (route.kind === 'tunnel' && !isPassthrough(route)) files[tunnelPagePath(route.host)] = renderTunnelPage(route, model.ports.ssh, model.offlinePage);
    if (route.ca) files[caFilePath(route.host, 'upstream')] = route.ca.pem;
    if (route.clientCA) files[caFilePath(route.host, 'clients')] = route.clientCA.pem;
  }
  return files;
}

const byPath = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Every file of the config volume's haproxy part, keyed by absolute container path, and the
 * manifest that tells a later `up` which changes the running HAProxy can take without a reload.
 */
export function renderHaproxy(model: EdgeModel): { files: Record<string, string>; manifest: HaproxyManifest } {
  const list = sections(model);
  const files = byPath({ [HAPROXY.cfg]: cfgText(list), ...sideFiles(model) });
  return { files, manifest: buildManifest(list, files, files[HAPROXY.crtList]!, runtimeFiles(model)) };
}

/** Every file of the config volume's haproxy part (see `renderHaproxy`). */
export function renderHaproxyFiles(model: EdgeModel): Record<string, string> {
  return renderHaproxy(model).files;
}
