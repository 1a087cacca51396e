#!/bin/sh
# `gospochta` for operators on a bare-metal install: runs the CLI as the server's
# user with the server's configuration, so both use the same database (readable by
# that user only). Install: sudo install -m 0755 docs/gospochta-cli.sh /usr/local/bin/gospochta
# Use: sudo gospochta account list
set -eu
GOSPOCHTA_HOME="${GOSPOCHTA_HOME:-/opt/gospochta}"
GOSPOCHTA_USER="${GOSPOCHTA_USER:-gospochta}"
GOSPOCHTA_CONFIG="${GOSPOCHTA_CONFIG:-/etc/gospochta/gospochta.yaml}"
OPERATOR="${GOSPOCHTA_OPERATOR:-${SUDO_USER:-$(id -un)}}"
cd "$GOSPOCHTA_HOME"
if [ "$(id -un)" = "$GOSPOCHTA_USER" ]; then
  exec env GOSPOCHTA_CONFIG="$GOSPOCHTA_CONFIG" GOSPOCHTA_OPERATOR="$OPERATOR" node "$GOSPOCHTA_HOME/bin/gospochta.js" "$@"
fi
exec sudo -u "$GOSPOCHTA_USER" env GOSPOCHTA_CONFIG="$GOSPOCHTA_CONFIG" GOSPOCHTA_OPERATOR="$OPERATOR" node "$GOSPOCHTA_HOME/bin/gospochta.js" "$@"
