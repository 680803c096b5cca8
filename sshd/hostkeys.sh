#!/bin/sh
# Generates the sshd host keys ONCE into the hostkeys volume and never again: a new key after
# `down` + `up` would greet every user with a host-key warning. Paths match MOUNTS.hostkeys in
# stacks/layout.ts and the HostKey lines of sshd/render.ts.
set -eu

dir=${HOSTKEYS_DIR:-/hostkeys}
install -d -o root -g root -m 0700 "$dir"

# No ECDSA (NIST curve): sshd_config offers Ed25519 and RSA-SHA2 only (HOST_KEY_TYPES).
for type in ed25519 rsa; do
  key="$dir/ssh_host_${type}_key"
  if [ ! -s "$key" ]; then
    # Generate under a temporary name and rename: a crash mid-way leaves no half-written key
    # that a later start would then keep forever.
    tmp="$dir/.tmp_${type}_$$"
    rm -f "$tmp" "$tmp.pub"
    case $type in
      rsa) ssh-keygen -q -t rsa -b 3072 -N '' -C '' -f "$tmp" ;;
      *) ssh-keygen -q -t "$type" -N '' -C '' -f "$tmp" ;;
    esac
    mv "$tmp.pub" "$key.pub"
    mv "$tmp" "$key"
    echo "hostkeys: generated $key" >&2
  elif [ ! -s "$key.pub" ]; then
    ssh-keygen -y -f "$key" > "$key.pub"
  fi
  # sshd refuses a private host key others can read.
  chown root:root "$key" "$key.pub"
  chmod 0600 "$key"
  chmod 0644 "$key.pub"
done
