#!/bin/sh
# Makes the container's tunnel accounts and share groups match the manifest (SSHD.accounts,
# rendered by sshd/render.ts), live, without restarting sshd: the entrypoint runs it at start,
# the host via `docker exec` when users, keys or shares change in edge.yaml. Idempotent, and
# silent when nothing changes.
#
# Accounts this script owns have primary group `tgusers`, share groups are `tgs-<share>` with a
# gid in the share range; it never touches any other account or group. A user absent from the
# manifest (or whose uid changed) loses its sessions at once, then its account and socket
# directory; other users' sessions are not touched. Last, end-sessions.sh ends connections that
# use a key, certificate or share no longer allowed.
#
# Exit 0: in sync. 1: some users refused (stderr names them), all others applied. 2: manifest
# missing or invalid, nothing changed.
set -eu

manifest=${ACCOUNTS_MANIFEST:-/config/sshd/accounts.json}  # SSHD.accounts in stacks/layout.ts
root=/run/tunnels                                          # MOUNTS.tunnels
shares=/run/shares                                         # SHARES_ROOT
lib=/usr/local/lib/tunnelgate
login=$lib/login                                           # LOGIN_PROGRAM
state=/run/tunnelgate
marker=tgusers
uid_min=20000
uid_max=59999
gid_min=10000
gid_max=19999

log() { echo "sync-users: $*" >&2; }

# A directory owned by `owner:group`, mode 2710, changed only if it is not already. Done in an
# order that needs no FOWNER, FSETID or DAC_OVERRIDE capability (only CHOWN): root owns the
# directory while it sets the mode, and chown keeps the setgid bit of a directory.
own_dir() {
  dir=$1 want=$2
  if [ -L "$dir" ] || { [ -e "$dir" ] && [ ! -d "$dir" ]; }; then rm -f "$dir"; fi
  [ -d "$dir" ] || mkdir "$dir"
  [ "$(stat -c '%U:%G %a' "$dir")" = "$want 2710" ] && return 0
  chown root:root "$dir"
  chmod 2710 "$dir"
  chown "$want" "$dir"
}

# Removes a directory a user owns (root, as "other", may not delete what is inside it).
remove_dir() {
  chown root:root "$1" 2>/dev/null || true
  rm -rf "$1"
}

install -d -o root -g root -m 0755 "$state"
# One run at a time: the entrypoint and a `docker exec` from the host may overlap.
exec 9>"$state/sync-users.lock"
flock 9

if [ ! -f "$manifest" ]; then
  log "$manifest is missing"
  exit 2
fi

# Validate the whole manifest before changing anything; names end up in paths and commands.
checked=$(jq -r --argjson min "$uid_min" --argjson max "$uid_max" --argjson gmin "$gid_min" --argjson gmax "$gid_max" '
  def name_ok: type == "string" and test("^[a-z_][a-z0-9_-]{0,31}$");
  def valid: (.name | name_ok) and (.uid | type == "number" and . == floor and . >= $min and . <= $max);
  def share_ok($users): (.name | type == "string" and test("^[a-z0-9]([a-z0-9-]{0,26}[a-z0-9])?$"))
    and (.gid | type == "number" and . == floor and . >= $gmin and . <= $gmax)
    and (.owner | IN($users[])) and (.with | type == "array" and all(.[]; IN($users[])));
  (.users | map(.name)) as $names
  | if (.users | type) != "array" then error("users must be an array")
  elif any(.users[]; valid | not) then error("bad entry \(first(.users[] | select(valid | not)) | tojson)")
  elif (.users | map(.name) | unique | length) != (.users | length) then error("duplicate name")
  elif (.users | map(.uid) | unique | length) != (.users | length) then error("duplicate uid")
  elif any((.shares // [])[]; share_ok($names) | not) then error("bad share")
  elif ((.shares // []) | map(.gid) | unique | length) != ((.shares // []) | length) then error("duplicate gid")
  elif ((.tunnelsPerUser // 32) | type != "number" or . < 1) then error("bad tunnelsPerUser")
  else "ok" end' "$manifest" 2>&1) || {
  log "$manifest is not a valid manifest ($checked); nothing changed"
  exit 2
}
wanted=$(jq -r '.users[] | "\(.name) \(.uid)"' "$manifest")
# "<share> <gid> <owner> <user>..." per line.
wanted_shares=$(jq -r '(.shares // [])[] | "\(.name) \(.gid) \(.owner) \(.with | join(" "))"' "$manifest")

# The line a tunnel user sees when the host has written no summary for them (login prints it).
notice=$(jq -r '.notice // empty' "$manifest")
if [ -n "$notice" ] && [ "$(cat /etc/nologin.txt 2>/dev/null)" != "$notice" ]; then
  printf '%s\n' "$notice" > /etc/nologin.txt
fi
# limits.tunnelsPerUser, read by the PAM account hook (conn-limit) at every login.
limit=$(jq -r '.tunnelsPerUser // 32' "$manifest")
[ "$(cat "$state/connection-limit" 2>/dev/null)" = "$limit" ] || printf '%s\n' "$limit" > "$state/connection-limit"

marker_gid=$(getent group "$marker" | cut -d: -f3)
failed=0

# The uid the manifest wants for a name, or nothing.
wanted_uid() { printf '%s\n' "$wanted" | awk -v n="$1" '$1 == n { print $2 }'; }
# The share groups a user should be in, comma-separated and sorted.
share_groups_of() { printf '%s\n' "$wanted_shares" | awk -v u="$1" '{ for (i = 4; i <= NF; i++) if ($i == u) print "tgs-" $1 }' | sort | paste -sd, -; }

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
  remove_dir "${root:?}/$name"
  log "removed $name (uid $uid)"
}

# 1. Remove accounts no longer wanted (or wanted with another uid: recreated below).
getent passwd | awk -F: -v g="$marker_gid" '$4 == g { print $1, $3 }' > "$state/existing"
while read -r name uid; do
  [ "$(wanted_uid "$name")" = "$uid" ] || remove_user "$name" "$uid"
done < "$state/existing"
rm -f "$state/existing"

# 2. The socket root: root-owned, users may only traverse it to reach their own directory.
install -d -o root -g root -m 0711 "$root"
for entry in "$root"/* "$root"/.[!.]*; do
  [ -e "$entry" ] || [ -L "$entry" ] || continue
  # Leftovers of users removed while no container ran (the volume outlives accounts).
  [ -n "$(wanted_uid "${entry##*/}")" ] || { remove_dir "$entry"; log "removed stale $entry"; }
done

# 3. Share groups: drop those no longer wanted (or with another gid), add the missing ones.
getent group | awk -F: -v lo="$gid_min" -v hi="$gid_max" '$1 ~ /^tgs-/ && $3 >= lo && $3 <= hi { print $1, $3 }' > "$state/groups"
while read -r group gid; do
  printf '%s\n' "$wanted_shares" | awk -v g="$group" -v id="$gid" '"tgs-" $1 == g && $2 == id { found = 1 } END { exit !found }' && continue
  groupdel "$group"
  log "removed share group $group"
done < "$state/groups"
rm -f "$state/groups"
printf '%s\n' "$wanted_shares" | while read -r share gid _rest; do
  [ -n "$share" ] || continue
  getent group "tgs-$share" > /dev/null && continue
  groupadd --gid "$gid" "tgs-$share"
  log "added share group tgs-$share (gid $gid)"
done

# 4. Create missing accounts, (re)assert each login shell, share groups and socket directory.
while read -r name uid; do
  [ -n "$name" ] || continue
  if entry=$(getent passwd "$name"); then
    if [ "$(echo "$entry" | cut -d: -f4)" != "$marker_gid" ]; then
      log "refusing $name: an account of that name exists and is not a tunnel account"
      failed=1
      continue
    fi
    # Accounts made by an older image had nologin as their shell.
    [ "$(echo "$entry" | cut -d: -f7)" = "$login" ] || usermod --shell "$login" "$name"
  else
    if getent passwd "$uid" > /dev/null; then
      log "refusing $name: uid $uid belongs to $(getent passwd "$uid" | cut -d: -f1)"
      failed=1
      continue
    fi
    # Password field `*`, not useradd's `!`: sshd would treat `!` as a locked account. Home `/`
    # exists, so sshd has nothing to complain about. The shell prints the user's summary.
    useradd --uid "$uid" --gid "$marker" --no-user-group --home-dir / --no-create-home \
      --shell "$login" --password '*' "$name"
    log "added $name (uid $uid)"
  fi
  groups=$(share_groups_of "$name")
  have=$(id -Gn "$name" | tr ' ' '\n' | grep '^tgs-' | sort | paste -sd, -) || true
  if [ "$groups" != "$have" ]; then
    usermod -G "$groups" "$name"
    log "$name may use shares: ${groups:-none}"
  fi
  # Only the user may create sockets here (owner rwx); HAProxy, via group tunnels, may only
  # traverse (x) to connect; setgid so each socket gets group tunnels.
  own_dir "$root/$name" "$name:tunnels"
done <<EOF
$wanted
EOF

# 5. Share directories: the owner alone may bind (rwx), the share's group may only traverse (x)
# to connect; setgid, so the socket (0660 by StreamLocalBindMask) belongs to that group. A new
# owner gets a fresh directory: the old owner's socket must not stay reachable.
install -d -o root -g root -m 0711 "$shares"
for entry in "$shares"/* "$shares"/.[!.]*; do
  [ -e "$entry" ] || [ -L "$entry" ] || continue
  printf '%s\n' "$wanted_shares" | awk -v n="${entry##*/}" '$1 == n { found = 1 } END { exit !found }' && continue
  remove_dir "$entry"
  log "removed share ${entry##*/}"
done
printf '%s\n' "$wanted_shares" | while read -r share _gid owner _rest; do
  [ -n "$share" ] && getent passwd "$owner" > /dev/null || continue
  dir="$shares/$share"
  [ -d "$dir" ] && [ "$(stat -c %U:%G "$dir")" = "$owner:tgs-$share" ] && [ "$(stat -c %a "$dir")" = 2710 ] && continue
  # Another owner before: start empty, or the old owner's socket would stay reachable.
  [ ! -d "$dir" ] || [ "$(stat -c %U "$dir")" = "$owner" ] || remove_dir "$dir"
  own_dir "$dir" "$owner:tgs-$share"
  log "share $share: bound by $owner"
done

# 6. Connections whose key, certificate or share is no longer allowed.
"$lib/end-sessions.sh"

exit "$failed"
