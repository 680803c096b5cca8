/**
 * dockerode, without its BuildKit session until something asks for one. dockerode requires
 * lib/session.js (gRPC and protobufjs) as it loads: 0.07–0.15 s of every command's start on a
 * 2-core VM, for a feature tunnelgate does not use (its builds go to the classic builder, which
 * needs no session). A stand-in takes that module's place in Node's module cache before dockerode
 * is required, and loads the real one on its first call.
 */
import Module, { createRequire } from 'node:module';
import type DockerodeClass from 'dockerode';

const require = createRequire(import.meta.url);

type WithSession = (...args: unknown[]) => unknown;

function standInForSession(): void {
  const path = require.resolve('dockerode/lib/session.js');
  if (require.cache[path]) return;
  const standIn = new Module(path);
  let real: WithSession | undefined;
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = (...args: unknown[]) => {
    if (!real) {
      if (require.cache[path] === standIn) delete require.cache[path];
      real = require(path) as WithSession;
    }
    return real(...args);
  };
  require.cache[path] = standIn;
}

standInForSession();

/** The dockerode class, loaded after the stand-in is in place. */
export const Docker: typeof DockerodeClass = require('dockerode');
