#!/bin/bash
# Entrypoint: `start.sh peers` or `start.sh client` (see the Dockerfile). Stays PID 1 and reaps.
set -u
role=${1:-client}
mkdir -p /run/sshd /run/tunnels /run/haproxy
chmod 1777 /run/tunnels
chown haproxy:haproxy /run/haproxy
if [ "$role" = peers ]; then
  /usr/sbin/sshd -f /bench/sshd_config -E /tmp/sshd.log
  haproxy -W -db -f /bench/haproxy.cfg -p /run/haproxy.pid -S /run/haproxy/master.sock,mode,600 >>/tmp/haproxy.log 2>&1 &
  caddy run --config /bench/Caddyfile --adapter caddyfile >>/tmp/caddy.log 2>&1 &
else
  nginx -c /bench/nginx.conf
fi
trap 'exit 0' TERM
while :; do sleep 3600 & wait $!; done
