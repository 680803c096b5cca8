#!/bin/sh
# Container entrypoint (runs as root: sshd must switch to each user). Host keys once, accounts
# from the manifest, then sshd in the foreground as PID 1, logging to stderr.
set -eu

lib=/usr/local/lib/tunnelgate
config=/config/sshd/sshd_config   # SSHD.config in stacks/layout.ts

# sshd's privilege-separation directory (not part of the image).
mkdir -p -m0755 /run/sshd
# Which key each connection used (session-record): none survive a restart of the container.
rm -rf /run/tunnelgate/sessions
install -d -o root -g root -m 0755 /run/tunnelgate
install -d -o root -g root -m 0700 /run/tunnelgate/sessions
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
# Clients on the Docker host reach sshd through docker-proxy and all appear to come from the
# network's gateway (so do IPv6 clients when the container has no IPv6 address): exempt it from
# PerSourcePenalties, or one client's failed logins would lock every such user out. Remote IPv4
# clients keep their own address (Docker's DNAT) and are penalised one by one.
gateway=$(awk '$2 == "00000000" && $3 != "00000000" { print $3; exit }' /proc/net/route)
exempt=
if [ "${#gateway}" -eq 8 ]; then
  # /proc/net/route holds the address in hex, least significant byte first.
  set -- $(echo "$gateway" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/')
  exempt=$(printf '%d.%d.%d.%d' "0x$1" "0x$2" "0x$3" "0x$4")
fi

# OpenSSH checks a key's expiry-time and a certificate's validity only at login: once a minute
# (EXPIRY_CHECK_SECONDS, for tests), end the connections that outlived theirs. The loop stays a
# child of sshd (which reaps and ignores children it does not know) and dies with the container.
every=${EXPIRY_CHECK_SECONDS:-60}
(
  while sleep "$every"; do "$lib/end-sessions.sh" --expired || true; done
) &

# Absolute path: sshd re-executes itself and refuses a relative argv[0]. A command-line option
# comes before the file's (sshd keeps the first value), and survives the re-exec on SIGHUP.
exec /usr/sbin/sshd -D -e -f "$config" ${exempt:+-o "PerSourcePenaltyExemptList=$exempt"}
