/**
 * The plain data the engine adapter takes and returns. Types only, no imports: pure modules (the
 * desired stack, the plan) may use them without loading the engine.
 */

/** A container to create: what stacks/edge.compose.yaml says, resolved for one project. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  cmd?: string[];
  env?: string[];
  user?: string;
  /** `host:container` TCP ports, published on hostIp (default all addresses). */
  ports: Array<{ host: number; container: number; hostIp?: string }>;
  mounts: Array<{ volume: string; target: string; readOnly?: boolean }>;
  network: string;
  aliases: string[];
  /** Existing networks joined after the first one (no aliases there). */
  extraNetworks?: string[];
  /** `/etc/hosts` entries, `name:address` (`host-gateway` is the Docker host). */
  extraHosts?: string[];
  sysctls?: Record<string, string>;
  restart: 'unless-stopped' | 'no';
  /** Seconds between the stop signal and SIGKILL. */
  stopTimeout?: number;
  /** Linux capabilities taken away (`ALL`) and given back, e.g. `['ALL']` and `['KILL']`. */
  capDrop?: string[];
  capAdd?: string[];
  /** e.g. `no-new-privileges:true`. */
  securityOpt?: string[];
  /** Root filesystem mounted read-only; writable places come from volumes and `tmpfs`. */
  readOnly?: boolean;
  /** tmpfs mounts: path → mount options (`mode=0755,size=16m`). */
  tmpfs?: Record<string, string>;
  /** Memory limit in bytes, swap included. */
  memory?: number;
  /** Most processes and threads in the container. */
  pidsLimit?: number;
  /** Resource limits per process: name (`nofile`) → soft and hard value. */
  ulimits?: Record<string, { soft: number; hard: number }>;
}

/** A container as observed: labels parsed, state flattened. */
export interface ObservedContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  running: boolean;
  startedAt: string;
  labels: Record<string, string>;
}

/** A network or volume as observed. */
export interface ObservedResource {
  name: string;
  labels: Record<string, string>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface FileToWrite {
  /** Absolute path inside the container (may be inside a mounted volume). */
  path: string;
  content: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface BuildRequest {
  tag: string;
  /** Folder with the Dockerfile. */
  context: string;
  /** Files of the context to send (relative paths); the rest of the folder is not part of the image. */
  files: string[];
  /** Dockerfile name inside the context. */
  dockerfile: string;
  labels: Record<string, string>;
  /** The Dockerfile's ARGs (`BASE`: the image to build on). */
  buildArgs?: Record<string, string>;
  /** Called with each line of build output, so long builds show progress. */
  onProgress?: (line: string) => void;
}
