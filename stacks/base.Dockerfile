# The layer haproxy, renewer and pebble images start from when `up` builds them: Debian with the
# CA bundle installed once. ca-certificates' maintainer scripts rebuild /etc/ssl/certs one
# certificate at a time in shell, twice (postinst and trigger), about 9 s of a 13 s install on a
# slow 2-core VM; done in each image, that was a third of a cold `up`'s build time
# (docs/performance.md). Each of those Dockerfiles still installs ca-certificates itself (a no-op
# on this base), so it builds the same on plain debian:trixie-slim: `docker compose build`,
# `docker build haproxy/`.
FROM debian:trixie-slim
# Every image's `apt-get update` skips the package description translations (35 MB of lists,
# a fifth of its time) with Acquire::Languages=none: nothing here reads descriptions.
# apt's binary caches (/var/cache/apt/*.bin, ~90 MB after an update) and the .debs go with the
# lists, here and in every image: left behind, each apt layer carried them (the renewer's image
# was 125 MB bigger), and the engine hashes and copies every byte of a layer it commits.
RUN apt-get update -o Acquire::Languages=none \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb
