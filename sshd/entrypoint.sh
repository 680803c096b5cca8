#!/bin/sh
# Container entrypoint (runs as root: sshd must switch to each user). Host keys once, accounts
# from the manifest, then sshd in the foreground as PID 1, logging to stderr.
set -eu

lib=/usr/local/lib/tunnelgate
config=/config/sshd/sshd_config   # SSHD.config in stacks/layout.ts

# sshd's privilege-separation directory (not part of the image).
mkdir -p -m0755 /run/sshd
# Docker mounts these world-writable at run time; a tunnel user could bind sockets there
# (sshd's only fence for socket paths is file permissions). Nothing here needs them.
chmod o-w /dev/shm /dev/mqueue 2>/dev/null || true

"$lib/hostkeys.sh"
# Exit 1 = some users refused (named on stderr), the rest applied: serve those. 2 = no usable
# manifest: stop, the host must render one first.
"$lib/sync-users.sh" || [ "$?" -eq 1 ]

if [ ! -f "$config" ]; then
  echo "entrypoint: $config is missing (the host renders it before starting this container)" >&2
  exit 1
fi
# Absolute path: sshd re-executes itself and refuses a relative argv[0].
exec /usr/sbin/sshd -D -e -f "$config"
