#!/bin/sh
# gospochta container entry point.
#   (no arguments)            → gospochta serve (the server, as PID 1: signals reach it)
#   account list, backup F, … → that gospochta command
#   sh, bash, any program     → run as given (the backup sidecar uses sh -c)
set -eu

data="${GOSPOCHTA_DATA_DIR:-/data}"
app="${GOSPOCHTA_APP:-/app}"

if [ "$#" -eq 0 ]; then
  set -- serve
fi
if [ "$1" = "gospochta" ]; then
  shift
  [ "$#" -eq 0 ] && set -- --help
fi

case "$1" in
  -*|serve|account|mailbox|purge|audit|health|backup|restore|stats|help) ;;
  *)
    # Not a gospochta command: a program on PATH (sh, node, …) runs as given.
    if command -v -- "$1" >/dev/null 2>&1; then
      exec "$@"
    fi
    ;;
esac

if [ "$1" = "serve" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "gospochta: warning: running as root; the image is meant to run as user node" >&2
  fi
  if [ ! -d "$data" ] || [ ! -w "$data" ]; then
    echo "gospochta: the data directory $data is not writable by uid $(id -u): if it is a bind mount, run on the host: chown $(id -u):$(id -g) <that directory> && chmod 700 <that directory>" >&2
    exit 1
  fi
fi

exec node "$app/bin/gospochta.js" "$@"
