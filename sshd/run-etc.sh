#!/bin/sh
# Entrypoint in front of entrypoint.sh, for a read-only root filesystem. The account databases
# (/etc/passwd, group, shadow, gshadow) and /etc/nologin.txt are symlinks into /run/tgetc/etc
# (see the Dockerfile); with /run a tmpfs every container start begins from the image's pristine
# copies and sync-users.sh recreates the tunnel accounts from the manifest, as it always did.
# The rest of /etc stays read-only.
set -eu
pristine=/usr/local/share/tunnelgate/etc
live=/run/tgetc/etc
# Without a tmpfs on /run, $live is the image's symlink to the pristine copies: nothing to do.
if [ ! -e "$live" ]; then
  # Numeric owner: /etc/passwd is not there yet to resolve "root".
  install -d -o 0 -g 0 -m 0755 /run/tgetc "$live"
  # -p keeps owner, group and mode (shadow is root:shadow 0640).
  cp -p "$pristine"/* "$live"/
fi
exec /usr/local/lib/tunnelgate/entrypoint.sh "$@"
