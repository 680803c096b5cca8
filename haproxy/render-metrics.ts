/**
 * edge.yaml `metrics` -> a `metrics` frontend on HAPROXY.metricsPort (published on the host's
 * 127.0.0.1 only) and the Lua service behind /metrics/tunnelgate. Pure.
 *
 * Why this way: HAProxy's own exporter (`/metrics`) already has every per-route and per-slot
 * series, so only the project's series are ours, and HAProxy itself can serve them: a Lua
 * service (Debian's build has Lua 5.4) computes them at scrape time from what is true right then
 * (slot states from HAProxy's servers, certificate facts from the renewer's metadata files in
 * /certs, the applied config hash), so no exporter container runs and nobody has to write a
 * metrics file after each `up` or `renew`, from whichever machine they run. The route list is
 * rendered into the Lua file; it changes with the config, which reloads anyway.
 */
import { certMetaPath, HAPROXY } from '../stacks/layout.js';
import type { EdgeModel, RouteModel } from '../stacks/model.js';
import { routeBackendName } from './names.js';
import { sortedRoutes } from './routes.js';

/** The Lua service's name, as `use-service lua.<name>` calls it. */
const SERVICE = 'tunnelgate_metrics';

/** Where `up` records the hash of the haproxy files it applied (scripts/deploy/files.ts). */
const APPLIED_HASH = '/config/.applied/haproxy.sha256';

/** The line in `global` that loads the service; nothing without `metrics`. */
export function renderMetricsGlobal(model: EdgeModel): string[] {
  return model.metrics ? [`    lua-load ${HAPROXY.metricsLua}`] : [];
}

/** The metrics frontend; nothing without `metrics`. */
export function renderMetricsSections(model: EdgeModel): string[][] {
  if (!model.metrics) return [];
  return [
    [
      'frontend metrics from http',
      `    bind :${HAPROXY.metricsPort}`,
      // A scrape is not a request anyone wants in the access log.
      '    http-request set-log-level silent',
      '    http-request use-service prometheus-exporter if { path /metrics }',
      `    http-request use-service lua.${SERVICE} if { path /metrics/tunnelgate }`,
      '    http-request return status 404 content-type text/plain string "see /metrics (HAProxy) and /metrics/tunnelgate (tunnelgate)\\n"',
    ],
  ];
}

const lua = (s: string) => JSON.stringify(s);

function routeEntry(r: RouteModel): string {
  const kind = r.kind === 'tunnel' ? `kind = "tunnel", user = ${lua(r.user)}, slots = ${r.replicas}` : `kind = "upstream", upstream = ${lua(r.upstream.url)}`;
  return `  { host = ${lua(r.host)}, backend = ${lua(routeBackendName(r))}, ${kind}, meta = ${lua(certMetaPath(r.host))} },`;
}

/** The Lua file the global `lua-load` names; nothing without `metrics`. */
export function renderMetricsFiles(model: EdgeModel): Record<string, string> {
  if (!model.metrics) return {};
  const head = [
    `-- Rendered by tunnelgate (haproxy/render-metrics.ts) for project ${model.project}. Do not edit: \`npm run up\` rewrites it.`,
    `local project = ${lua(model.project)}`,
    `local applied_hash_file = ${lua(APPLIED_HASH)}`,
    'local routes = {',
    ...sortedRoutes(model).map(routeEntry),
    '}',
    `local users = { ${model.users.map((u) => lua(u.name)).join(', ')} }`,
  ];
  return { [HAPROXY.metricsLua]: `${[...head, LUA_BODY].join('\n')}\n` };
}

/** The service itself: the same for every model, so it is plain text here. */
const LUA_BODY = String.raw`
-- When this worker loaded the config: every reload starts new workers, which load it again.
local loaded_at = os.time()

local function read(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

-- The renewer writes its metadata with JSON.stringify: "key": "value" on one line.
local function field(json, name)
  return json and json:match('"' .. name .. '"%s*:%s*"([^"]*)"') or nil
end

-- Days since 1970-01-01 of a civil date (H. Hinnant), so dates need no time zone.
local function days_from_civil(y, m, d)
  y = (m <= 2) and (y - 1) or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function epoch(iso)
  local y, mo, d, h, mi, s = (iso or ""):match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
  if not y then return nil end
  return days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400 + tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s)
end

-- Certificate facts change only when the renewer runs: read the files at most every 5 s.
local cache = { at = nil, certs = {} }
local function certificates(now)
  if cache.at and now - cache.at < 5 then return cache.certs end
  local certs = {}
  for _, r in ipairs(routes) do
    local meta = read(r.meta)
    certs[r.host] = {
      not_after = epoch(field(meta, "notAfter")),
      issued = field(meta, "serial") ~= nil,
      result = field(meta, "lastResult"),
      attempt = epoch(field(meta, "lastAttempt")),
    }
  end
  cache = { at = now, certs = certs }
  return certs
end

local function slots_up(backend)
  local be = core.backends[backend]
  if not be then return 0 end
  local n = 0
  for _, srv in pairs(be.servers) do
    local status = srv:get_stats().status or ""
    if status:sub(1, 2) == "UP" or status == "no check" then n = n + 1 end
  end
  return n
end

local function esc(v)
  return (tostring(v):gsub('[\\"]', "\\%0"):gsub("\n", "\\n"))
end

core.register_service(${lua(SERVICE)}, "http", function(applet)
  local now = os.time()
  local out = {}
  local function family(name, kind, help)
    out[#out + 1] = "# HELP " .. name .. " " .. help
    out[#out + 1] = "# TYPE " .. name .. " " .. kind
  end
  local function sample(name, labels, value)
    local parts = {}
    for i = 1, #labels, 2 do parts[#parts + 1] = labels[i] .. '="' .. esc(labels[i + 1]) .. '"' end
    out[#out + 1] = name .. "{" .. table.concat(parts, ",") .. "} " .. string.format("%d", value)
  end

  family("tunnelgate_route_info", "gauge", "A route of edge.yaml: proxy is the backend in HAProxy's own series.")
  for _, r in ipairs(routes) do
    if r.kind == "tunnel" then
      sample("tunnelgate_route_info", { "route", r.host, "proxy", r.backend, "kind", r.kind, "user", r.user }, 1)
    else
      sample("tunnelgate_route_info", { "route", r.host, "proxy", r.backend, "kind", r.kind, "upstream", r.upstream }, 1)
    end
  end

  local connected, slots = {}, {}
  family("tunnelgate_route_slots", "gauge", "Tunnel slots a route has (replicas).")
  for _, r in ipairs(routes) do
    if r.kind == "tunnel" then sample("tunnelgate_route_slots", { "route", r.host, "user", r.user }, r.slots) end
  end
  family("tunnelgate_route_slots_up", "gauge", "Tunnel slots of a route that HAProxy sees up (a tunnel is connected).")
  for _, r in ipairs(routes) do
    if r.kind == "tunnel" then
      local up = slots_up(r.backend)
      sample("tunnelgate_route_slots_up", { "route", r.host, "user", r.user }, up)
      connected[r.user] = (connected[r.user] or 0) + up
      slots[r.user] = (slots[r.user] or 0) + r.slots
    end
  end
  family("tunnelgate_user_tunnels_connected", "gauge", "Tunnel slots of a user that are connected, over all their routes.")
  for _, u in ipairs(users) do sample("tunnelgate_user_tunnels_connected", { "user", u }, connected[u] or 0) end
  family("tunnelgate_user_tunnel_slots", "gauge", "Tunnel slots a user has, over all their routes.")
  for _, u in ipairs(users) do sample("tunnelgate_user_tunnel_slots", { "user", u }, slots[u] or 0) end

  local certs = certificates(now)
  -- One series per route: fn(route, certificate) gives the value (and more labels), nil for none.
  local function per_route(name, help, fn)
    family(name, "gauge", help)
    for _, r in ipairs(routes) do
      local value, extra = fn(r, certs[r.host])
      if value then
        local labels = { "route", r.host }
        for _, l in ipairs(extra or {}) do labels[#labels + 1] = l end
        sample(name, labels, value)
      end
    end
  end
  per_route("tunnelgate_certificate_issued", "1 when the route's certificate was issued by the CA, 0 while it is the self-signed placeholder.", function(_, c) return c.issued and 1 or 0 end)
  per_route("tunnelgate_certificate_expiry_seconds", "Seconds until the issued certificate expires (negative once expired).", function(_, c) return c.not_after and c.not_after - now end)
  per_route("tunnelgate_certificate_not_after_timestamp_seconds", "When the issued certificate expires (Unix time).", function(_, c) return c.not_after end)
  per_route("tunnelgate_certificate_last_renewal_success", "Outcome of the last renewal attempt: 1 renewed or not due, 0 failed.", function(_, c)
    if c.result then return (c.result == "failed" and 0 or 1), { "result", c.result } end
  end)
  per_route("tunnelgate_certificate_last_renewal_timestamp_seconds", "When the last renewal attempt ran (Unix time).", function(_, c) return c.attempt end)

  family("tunnelgate_config_info", "gauge", "The configuration HAProxy runs: hash of the files npm run up applied.")
  sample("tunnelgate_config_info", { "project", project, "hash", ((read(applied_hash_file) or "unknown"):gsub("%s", "")) }, 1)
  family("tunnelgate_config_loaded_timestamp_seconds", "gauge", "When this configuration generation was loaded (Unix time of the last start or reload).")
  out[#out + 1] = "tunnelgate_config_loaded_timestamp_seconds " .. string.format("%d", loaded_at)

  local body = table.concat(out, "\n") .. "\n"
  applet:set_status(200)
  applet:add_header("content-type", "text/plain; version=0.0.4; charset=utf-8")
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end)`;
