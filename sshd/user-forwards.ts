/**
 * What one user forwards, and the ssh command for each: a `-R` per tunnel route (slot 1) and per
 * share they own, a `-L` per share they may use. The connect instructions, the login summary and
 * the service units all start from here, so they always name the same sockets and ports.
 */
import { shareSocketPath, tunnelSocketPaths } from '../stacks/layout.js';
import type { EdgeModel, ShareModel, TunnelRoute } from '../stacks/model.js';

/** Placeholder port of the first route's local service; later routes, then owned shares, count up. */
const FIRST_LOCAL_PORT = 8080;
/** Local port of the first share a user reaches with -L; later ones count up. */
const FIRST_SHARE_PORT = 15900;

/** `-R socket:localhost:port`: a tunnel slot or an owned share, served by the user's machine. */
export interface RemoteForward {
  socket: string;
  local: string;
  route?: TunnelRoute;
  share?: ShareModel;
}

/** `-L port:socket`: a share someone else binds, reached on the user's machine. */
export interface LocalForward {
  port: number;
  socket: string;
  share: ShareModel;
}

export interface UserForwards {
  routes: TunnelRoute[];
  /** Slot 1 of each route, then each share the user owns. */
  remote: RemoteForward[];
  local: LocalForward[];
}

/** The forwards of `user` in `model` (model order: routes by host, shares by name). */
export function userForwards(model: EdgeModel, user: string): UserForwards {
  const routes = model.routes.filter((r): r is TunnelRoute => r.kind === 'tunnel' && r.user === user);
  const owned = model.shares.filter((s) => s.owner === user);
  const used = model.shares.filter((s) => s.with.includes(user));
  const remote: RemoteForward[] = [
    ...routes.map((route, i) => ({ socket: tunnelSocketPaths(route)[0] as string, local: `localhost:${FIRST_LOCAL_PORT + i}`, route })),
    ...owned.map((share, i) => ({ socket: shareSocketPath(share.name), local: `localhost:${FIRST_LOCAL_PORT + routes.length + i}`, share })),
  ];
  const local = used.map((share, i) => ({ port: FIRST_SHARE_PORT + i, socket: shareSocketPath(share.name), share }));
  return { routes, remote, local };
}

export interface CommandOptions {
  serverHost: string;
  /** `-i <path>`; omitted when absent. */
  identityFile?: string;
}

/** `ssh -N <forward> [-p port] [-i key] -o ExitOnForwardFailure=yes user@host`. */
export function sshCommand(model: EdgeModel, user: string, forward: string, opts: CommandOptions): string {
  const port = model.ports.ssh === 22 ? '' : ` -p ${model.ports.ssh}`;
  const identity = opts.identityFile ? ` -i ${opts.identityFile}` : '';
  return `ssh -N ${forward}${port}${identity} -o ExitOnForwardFailure=yes ${user}@${opts.serverHost}`;
}

/** The `-R`/`-L` argument of a forward. */
export function forwardArg(f: RemoteForward | LocalForward): string {
  return 'port' in f ? `-L ${f.port}:${f.socket}` : `-R ${f.socket}:${f.local}`;
}
