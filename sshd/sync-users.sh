#!/bin/sh
# Makes the container's tunnel accounts match the manifest (SSHD.accounts, rendered by
# sshd/render.ts), live, without restarting sshd: the entrypoint runs it at start, the host via
# `docker exec` when users change in edge.yaml. Idempotent.
#
# Accounts this script owns have primary group `tgusers`; it never touches any other account.
# A user absent from the manifest (or whose uid changed) loses its sessions at once, then its
# account and socket directory; other users' sessions are not touched.
#
# Exit 0: in sync. 1: some users refused (stderr names them), all others applied. 2: manifest
# missing or invalid, nothing changed.
set -eu

manifest=${ACCOUNTS_MANIFEST:-/config/sshd/accounts.json}  # SSHD.accounts in stacks/layout.ts
root=/run/tunnels                                          # MOUNTS.tunnels
marker=tgusers
uid_min=20000
uid_max=59999

log() { echo "sync-users: $*" >&2; }

# One run at a time: the entrypoint and a `docker exec` from the host may overlap.
exec 9>/run/tunnelgate-sync-users.lock
flock 9

if [ ! -f "$manifest" ]; then
  log "$manifest is missing"
  exit 2
fi

# Validate the whole manifest before changing anything; names end up in paths and commands.
wanted=$(jq -r --argjson min "$uid_min" --argjson max "$uid_max" '
  def valid: (.name | type == "string" and test("^[a-z_][a-z0-9_-]{0,31}$"))
    and (.uid | type == "number" and . == floor and . >= $min and . <= $max);
  if (.users | type) != "array" then error("users must be an array")
  elif any(.users[]; valid | not) then error("bad entry \(first(.users[] | select(valid | not)) | tojson)")
  elif (.users | map(.name) | unique | length) != (.users | length) then error("duplicate name")
  elif (.users | map(.uid) | unique | length) != (.users | length) then error("duplicate uid")
  else .users[] | "\(.name) \(.uid)" end' "$manifest") || {
  log "$manifest is not a valid manifest; nothing changed"
  exit 2
}

# The one line a tunnel user sees instead of a shell: their login shell is nologin, which
# prints this file (sshd runs even ForceCommand through the login shell).
notice=$(jq -r '.notice // empty' "$manifest")
if [ -n "$notice" ] && [ "$(cat /etc/nologin.txt 2>/dev/null)" != "$notice" ]; then
  printf '%s\n' "$notice" > /etc/nologin.txt
fi

marker_gid=$(getent group "$marker" | cut -d: -f3)
failed=0

# The uid the manifest wants for a name, or nothing.
wanted_uid() { printf '%s\n' "$wanted" | awk -v n="$1" '$1 == n { print $2 }'; }

remove_user() {
  name=$1 uid=$2
  # Each connection's post-auth sshd-session process runs as the user: killing the uid drops the
  # user's tunnels now (the root monitor process of the connection then exits too).
  pkill -KILL -u "$uid" || true
  # userdel refuses while processes of the uid exist; killed ones vanish within milliseconds.
  tries=0
  until userdel "$name" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then userdel "$name"; fi
    pkill -KILL -u "$uid" || true
    sleep 0.1
  done
  # A login that raced the removal (its key is already gone from the config volume).
  pkill -KILL -u "$uid" || true
  rm -rf "${root:?}/$name"
  log "removed $name (uid $uid)"
}

# 1. Remove accounts no longer wanted (or wanted with another uid: recreated below).
getent passwd | awk -F: -v g="$marker_gid" '$4 == g { print $1, $3 }' > /run/tunnelgate-existing
while read -r name uid; do
  [ "$(wanted_uid "$name")" = "$uid" ] || remove_user "$name" "$uid"
done < /run/tunnelgate-existing
rm -f /run/tunnelgate-existing

# 2. The socket root: root-owned, users may only traverse it to reach their own directory.
install -d -o root -g root -m 0711 "$root"
for entry in "$root"/* "$root"/.[!.]*; do
  [ -e "$entry" ] || [ -L "$entry" ] || continue
  # Leftovers of users removed while no container ran (the volume outlives accounts).
  [ -n "$(wanted_uid "${entry##*/}")" ] || { rm -rf "$entry"; log "removed stale $entry"; }
done

# 3. Create missing accounts and (re)assert each socket directory.
while read -r name uid; do
  [ -n "$name" ] || continue
  if entry=$(getent passwd "$name"); then
    if [ "$(echo "$entry" | cut -d: -f4)" != "$marker_gid" ]; then
      log "refusing $name: an account of that name exists and is not a tunnel account"
      failed=1
      continue
    fi
  else
    if getent passwd "$uid" > /dev/null; then
      log "refusing $name: uid $uid belongs to $(getent passwd "$uid" | cut -d: -f1)"
      failed=1
      continue
    fi
    # Password field `*`, not useradd's `!`: with UsePAM no, sshd refuses a locked (`!`) account
    # even for public keys. Home `/` exists, so sshd has nothing to complain about.
    useradd --uid "$uid" --gid "$marker" --no-user-group --home-dir / --no-create-home \
      --shell /usr/sbin/nologin --password '*' "$name"
    log "added $name (uid $uid)"
  fi
  # Only the user may create sockets here (owner rwx); HAProxy, via group tunnels, may only
  # traverse (x) to connect; setgid so each socket gets group tunnels. chown before chmod:
  # chown clears the setgid bit.
  dir="$root/$name"
  [ -d "$dir" ] && [ ! -L "$dir" ] || { rm -rf "$dir"; mkdir "$dir"; }
  chown "$name:tunnels" "$dir"
  chmod 2710 "$dir"
done <<EOF
$wanted
EOF

exit "$failed"
