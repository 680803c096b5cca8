# Pebble 2.6 from Debian: an embedded ACME test CA for the demo and the tests, never for a real
# domain. pebble-challtestsrv is the DNS server Pebble asks: every name resolves to the haproxy
# container (so HTTP-01 is validated for real through HAProxy's :80) and DNS-01 TXT records are
# set through its management API on :8055.
# openssl: the listener certificate is made at container start; curl: `point-dns` (see entrypoint).
# `up` builds it on tunnelgate/base (stacks/base.Dockerfile); on its own it starts from Debian.
ARG BASE=debian:trixie-slim
FROM ${BASE}
RUN apt-get update -o Acquire::Languages=none \
 && apt-get install -y --no-install-recommends pebble openssl curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb
COPY pebble-entrypoint.sh /usr/local/bin/pebble-entrypoint.sh
ENTRYPOINT ["sh", "/usr/local/bin/pebble-entrypoint.sh"]
