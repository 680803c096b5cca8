#!/bin/sh
# Ends every SSH connection that is no longer allowed, and only those (sync-users.sh runs it
# last, after the files and accounts changed):
#  - a connection that logged in with a key no longer in the user's authorized_keys, or expired;
#  - one that logged in with a certificate whose CA is no longer in sshCA, or whose validity ended;
#  - one whose user process still carries a share group the user has lost (supplementary groups
#    are fixed at login, so removing bob from a share's `with` would otherwise leave his open
#    connections able to reach it). That ends the whole connection, with its other forwards.
# Which key a connection used comes from session-record (a PAM session hook). A connection is
# ended by SIGTERM to its monitor process (`sshd-session: <user> [priv]`), which takes the
# user's process with it. Silent when it ends nothing; one line per connection it ends.
#
# `end-sessions.sh --expired` (run every minute by the entrypoint: OpenSSH checks expiry only at
# login) ends only connections whose key's expiry-time or certificate has passed. It never acts
# on a key it cannot find, so a file the host is writing at that moment cannot end anything.
set -eu

expired_only=
[ "${1:-}" != --expired ] || expired_only=1

config=/config/sshd                         # SSHD paths in stacks/layout.ts
records=/run/tunnelgate/sessions
gid_min=10000
gid_max=19999
now=$(date -u +%Y%m%d%H%M%S)
tmp=$(mktemp -d /run/tunnelgate/end-sessions.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

log() { echo "end-sessions: $*" >&2; }

# The fingerprints of a user's keys, "<fp> valid" or "<fp> expired" (past expiry-time).
key_fingerprints() {
  [ -f "$tmp/$1.keys" ] && { cat "$tmp/$1.keys"; return; }
  file="$config/authorized_keys/$1"
  : > "$tmp/$1.keys"
  if [ -f "$file" ]; then
    grep -v '^#' "$file" | while IFS= read -r line; do
      expiry=$(printf '%s\n' "$line" | sed -n 's/^[^ ]*expiry-time="\([0-9]*\)Z".*/\1/p')
      # sshd refuses a key once expiry-time < now, but still accepts it during that very second.
      state=valid
      [ -z "$expiry" ] || [ "$expiry" -ge "$now" ] || state=expired
      printf '%s %s\n' "$(printf '%s\n' "$line" | ssh-keygen -lf - 2>/dev/null | cut -d' ' -f2)" "$state"
    done > "$tmp/$1.keys"
  fi
  cat "$tmp/$1.keys"
}

# The fingerprints of the CA keys sshd trusts now (the file is gone without sshCA).
ca_fingerprints() {
  [ ! -f "$config/user_ca.pub" ] || ssh-keygen -lf "$config/user_ca.pub" 2>/dev/null | cut -d' ' -f2
}

# The monitor (connection) of a user process: its parent.
monitor_of() { cut -d' ' -f4 "/proc/$1/stat" 2>/dev/null; }

end() {
  kill -TERM "$1" 2>/dev/null || return 0
  log "ended connection $1 of $2 ($3)"
}

# 1. Keys and certificates, from the records of live connections.
cas=$(ca_fingerprints)
for rec in "$records"/*; do
  [ -f "$rec" ] || continue
  read -r pid start user kind fp ca expiry < "$rec" || { rm -f "$rec"; continue; }
  # A record of a connection that is gone (or whose pid now belongs to another process).
  if [ "$(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null)" != "$start" ]; then
    rm -f "$rec"
    continue
  fi
  reason=
  if [ -n "$expired_only" ]; then
    if [ "$kind" = key ]; then
      key_fingerprints "$user" | grep -qxF "$fp expired" && reason="key $fp expired"
    elif [ "$expiry" != - ] && [ "$expiry" -le "$now" ]; then
      # A certificate is invalid from its valid-before second on (unlike a key's expiry-time).
      reason="certificate expired"
    fi
  elif ! id "$user" > /dev/null 2>&1; then
    reason="user removed"
  elif [ "$kind" = key ]; then
    key_fingerprints "$user" | grep -qxF "$fp valid" || reason="key $fp removed or expired"
  elif ! printf '%s\n' "$cas" | grep -qxF "$ca"; then
    reason="certificate authority $ca no longer trusted"
  elif [ "$expiry" != - ] && [ "$expiry" -le "$now" ]; then
    reason="certificate expired"
  fi
  [ -z "$reason" ] || { end "$pid" "$user" "$reason"; rm -f "$rec"; }
done

[ -z "$expired_only" ] || exit 0

# 2. Share groups a connection's user process still carries but the user no longer has.
for pid in $(pgrep -x sshd-session || true); do
  uid=$(stat -c %u "/proc/$pid" 2>/dev/null) || continue
  [ "$uid" != 0 ] || continue
  user=$(getent passwd "$uid" | cut -d: -f1)
  have=" $( [ -n "$user" ] && id -G "$user" || true ) "
  for gid in $(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null); do
    [ "$gid" -ge "$gid_min" ] && [ "$gid" -le "$gid_max" ] || continue
    case $have in *" $gid "*) continue ;; esac
    end "$(monitor_of "$pid")" "${user:-uid $uid}" "no longer in share group $gid"
    break
  done
done
