#!/bin/sh
# Installed as /usr/local/sbin/{useradd,userdel,usermod,groupadd,groupdel,groupmod} (first on
# PATH): the real tool with `--prefix /run/tgetc`, so it rewrites the account databases in the
# tmpfs the /etc symlinks point to (it replaces files through lock and temp files beside them,
# which a read-only /etc would refuse). Scripts keep calling plain `useradd …`.
set -eu
exec "/usr/sbin/${0##*/}" --prefix /run/tgetc "$@"
