#!/bin/bash
# reconnect.sh URL RESOLVE NAME KEY USER@HOST PORT SOCKET: drops tunnel NAME (see tunnel.sh), waits
# until URL answers 503, starts it again and prints the milliseconds from the new ssh's start to
# the first 200 (polled every 10 ms from here, so no docker exec is on the clock).
set -u
url=$1 resolve=$2 name=$3
shift 2
code() { curl -sk -o /dev/null -w '%{http_code}' --resolve "$resolve" --max-time 2 "$url"; }
kill "$(cat /run/$name.pid)"
for i in $(seq 1000); do [ "$(code)" = 503 ] && break; sleep 0.01; done
t0=$(date +%s%N)
/bench/tunnel.sh "$@"
for i in $(seq 2000); do [ "$(code)" = 200 ] && break; sleep 0.01; done
echo $(( ($(date +%s%N) - t0) / 1000000 ))
