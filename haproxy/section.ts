/**
 * A section of haproxy.cfg as the renderers build it: its lines, the files HAProxy reads for it
 * at startup, and whether it belongs to one route. Route sections (backends, userlists) may stay
 * in a running HAProxy after their route is gone, unreachable once the maps no longer name them;
 * everything else must match the running configuration exactly (see manifest.ts).
 */
export interface Section {
  lines: string[];
  /** Files read when HAProxy loads the section (pages, CA files): their content is part of it. */
  reads?: string[];
  /** A route's own section, named by its first line. */
  route?: boolean;
}
