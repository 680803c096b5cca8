/**
 * The Docker engine adapter, the only part of the project that imports dockerode: one operation
 * per function, plain data in and out (scripts/engine/spec.ts). Decisions live in the callers.
 * It knows nothing of HAProxy, sshd or ACME.
 */
export { docker, engineInfo, ping } from './client.js';
export { containerAddress, containerUsage, createContainer, listContainers, removeContainer, signalContainer, startContainer, stopContainer } from './containers.js';
export { exec, execStream } from './exec.js';
export { type DirListing, type DirWanted, putFiles, readDir, readDirsRunning } from './files.js';
export { buildImage, imageExists } from './images.js';
export { createNetwork, createVolume, listNetworks, listVolumes, networkExists, removeNetwork, removeVolume } from './resources.js';
export { runContainer } from './run.js';
export type { ContainerSpec, FileToWrite, ObservedContainer } from './spec.js';
