#!/bin/sh
# The renewer's entrypoint. Its root filesystem is read-only, so the host cannot copy files in
# before it starts: what one run needs besides its input arrives in environment variables and is
# written to the /run/renewer tmpfs (stacks/edge.compose.yaml), readable by root only.
#   TUNNELGATE_EXTRA_CA  PEM of an extra CA to trust (the embedded Pebble's HTTPS listener)
#   TUNNELGATE_DNS_HOOK  the operator's DNS-01 hook, base64 (scripts/live/renewal.ts)
set -eu
dir=/run/renewer
# umask in subshells only: the renewer's own files keep their modes (metadata is world-readable).
if [ -n "${TUNNELGATE_EXTRA_CA:-}" ]; then
  (umask 077 && printf '%s\n' "$TUNNELGATE_EXTRA_CA" > "$dir/extra-ca.pem")
  export NODE_EXTRA_CA_CERTS="$dir/extra-ca.pem"
fi
if [ -n "${TUNNELGATE_DNS_HOOK:-}" ]; then
  (umask 077 && printf '%s' "$TUNNELGATE_DNS_HOOK" | base64 -d > "$dir/dns-hook")
  chmod 0700 "$dir/dns-hook"
fi
# The hook runs as a child of the renewer: it gets neither variable.
unset TUNNELGATE_EXTRA_CA TUNNELGATE_DNS_HOOK
exec node /opt/tunnelgate/renewer.cjs
