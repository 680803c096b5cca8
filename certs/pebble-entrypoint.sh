#!/bin/sh
# Starts challtestsrv (DNS :8053, management :8055) and Pebble (ACME :14000, management :15000).
# `pebble-entrypoint.sh point-dns` re-points challtestsrv's default answer at the haproxy
# container (run by the host before each renewal: haproxy may have been recreated with a new IP).
set -eu
state=/run/pebble

haproxy_ip() {
  # Docker's DNS knows the haproxy container by its service alias on the stack network.
  for _ in $(seq 1 50); do
    ip=$(getent ahostsv4 haproxy | awk 'NR==1 {print $1}')
    if [ -n "$ip" ]; then echo "$ip"; return 0; fi
    sleep 0.1
  done
  echo "pebble: cannot resolve the haproxy container" >&2
  return 1
}

if [ "${1:-}" = point-dns ]; then
  ip=$(haproxy_ip)
  curl -fsS -X POST -d "{\"ip\":\"$ip\"}" http://127.0.0.1:8055/set-default-ipv4 >/dev/null
  echo "$ip"
  exit 0
fi

# Pebble's own listener certificate: a throwaway CA (handed to the renewer as its extra trust
# anchor, see scripts/live/pebble.ts) and a leaf for the name the renewer dials, `pebble`.
mkdir -p "$state"
cd "$state"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=tunnelgate pebble listener CA" -keyout ca.key -out ca.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=pebble" -keyout listener.key -out listener.csr 2>/dev/null
printf 'subjectAltName=DNS:pebble,DNS:localhost\nextendedKeyUsage=serverAuth\n' > ext.cnf
openssl x509 -req -in listener.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
  -extfile ext.cnf -out listener.pem 2>/dev/null

# 90 days like Let's Encrypt, so a fresh certificate is "not due" with the default 30-day window.
cat > pebble.json <<JSON
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": "$state/listener.pem", "privateKey": "$state/listener.key",
  "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "", "externalAccountBindingRequired": false,
  "certificateValidityPeriod": ${PEBBLE_VALIDITY_SECONDS:-7776000}}}
JSON

ip=$(haproxy_ip)
# -defaultIPv6 "": no AAAA answers, or Pebble would try ::1 for HTTP-01.
pebble-challtestsrv -dns01 :8053 -management :8055 -http01 "" -https01 "" -tlsalpn01 "" -doh "" \
  -defaultIPv4 "$ip" -defaultIPv6 "" &
# PEBBLE_VA_NOSLEEP: no artificial validation delay; PEBBLE_WFE_NONCEREJECT=0: no random bad nonces.
# Never PEBBLE_VA_ALWAYS_VALID: validation must really go through HAProxy.
export PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0
exec pebble -config "$state/pebble.json" -dnsserver 127.0.0.1:8053
