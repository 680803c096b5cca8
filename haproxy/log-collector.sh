#!/bin/sh
# The access log collector (edge.yaml `logs.access`), run in the `logger` container from this image:
#   log-collector <max bytes per file> <rotated files kept>
# HAProxy puts one JSON line per request into a memory ring and forwards the ring over a UNIX
# socket in the `logs` volume (never blocking a request: if this collector is slow or gone, the
# ring overwrites its oldest lines and says how many it dropped). socat accepts each connection
# (one per HAProxy worker, so two overlap during a reload) and hands it to an awk that appends
# whole lines, one write each, so concurrent writers never interleave inside a line (mawk's
# `-W interactive`: without it mawk waits for a full input buffer before it handles a line).
# Rotation renames the file; writers reopen it every 1000 lines, so a line is never lost, at
# worst it lands in access.log.1.
set -eu
max=${1:-10485760}
keep=${2:-5}
dir=/run/logs
log=$dir/access.log
sock=$dir/collector.sock
uid=990 # haproxy's uid (stacks/layout.ts HAPROXY_UID): it connects to the socket, files are its own

# Once as root: the volume's root belongs to whoever mounted it first; then drop to haproxy.
# chmod before chown, and only when needed: the container keeps CHOWN but not FOWNER, so root may
# change the mode of its own directory only (a restart finds it done already).
if [ "$(id -u)" = 0 ]; then
  if [ "$(stat -c %u:%a "$dir")" != "$uid:750" ]; then
    chmod 0750 "$dir"
    chown "$uid:$uid" "$dir"
  fi
  exec setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$0" "$max" "$keep"
fi
umask 027

cat >/tmp/append.awk <<'AWK'
{ print >> file; if (++n % 1000 == 0) close(file); else fflush(file) }
AWK

rotate() {
  i=$keep
  while [ "$i" -gt 1 ]; do
    j=$((i - 1))
    if [ -e "$log.$j" ]; then mv -f "$log.$j" "$log.$i"; fi
    i=$j
  done
  mv -f "$log" "$log.1"
}

socat -u "UNIX-LISTEN:$sock,fork,unlink-early,mode=0600" "SYSTEM:exec awk -W interactive -v file=$log -f /tmp/append.awk" &
collector=$!
trap 'kill "$collector" 2>/dev/null; exit 0' TERM INT
while kill -0 "$collector" 2>/dev/null; do
  sleep 5 &
  wait $! || true
  size=$(stat -c %s "$log" 2>/dev/null || echo 0)
  if [ "$size" -ge "$max" ]; then rotate; fi
done
echo "log-collector: socat exited" >&2
exit 1
