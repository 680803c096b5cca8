#!/bin/bash
# tunnel.sh NAME KEY USER@HOST PORT SOCKET: (re)starts one `ssh -N -R SOCKET:127.0.0.1:8080` as
# alice, in the background, pid in /run/NAME.pid, log in /tmp/NAME.log. Returns at once.
set -u
name=$1 key=$2 dest=$3 port=$4 sock=$5
[ -f /run/$name.pid ] && kill "$(cat /run/$name.pid)" 2>/dev/null
setsid setpriv --reuid=alice --regid=alice --init-groups --reset-env \
  ssh -N -i "$key" -p "$port" -o ExitOnForwardFailure=yes -o BatchMode=yes -o ServerAliveInterval=15 \
      -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR ${SSH_OPTS:-} \
      -R "$sock:127.0.0.1:8080" "$dest" </dev/null >/tmp/$name.log 2>&1 &
echo $! > /run/$name.pid
