/**
 * The labels every container, network and volume carries: Compose's own, so `docker compose -p
 * <project> ps` lists the stack, plus the config hash `up` compares and the test-run id.
 */
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  /** Which of our images an image is (haproxy, sshd, renewer, pebble). */
  image: 'org.tunnelgate.image',
  /** Set by the e2e tests and the bench so a run removes exactly what it made. */
  testRun: 'org.tunnelgate.test-run',
} as const;

/** The Compose version the labels claim; Compose v2 reads stacks made with these labels. */
export const COMPOSE_VERSION = '2.39.0';
