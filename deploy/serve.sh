#!/usr/bin/env bash
# make serve: the production stack on this machine, as deploy/ describes it for a server --
# PostgreSQL (DATABASE_URL, or a local server kept in $SERVE_DIR/pg), migrations, collectstatic,
# the worker, and gunicorn (deploy/gunicorn.conf.py) with production settings (DEBUG off).
#
# Reached directly on 127.0.0.1:8000, without nginx and TLS: no proxy to trust
# (BIRTIZIM_TRUSTED_PROXIES=0) and no redirect to https (BIRTIZIM_SSL_REDIRECT=0); cookies stay
# Secure, which browsers accept on localhost.
#
#   deploy/serve.sh                      serve (make serve)
#   deploy/serve.sh manage CMD [ARGS]    a management command against the same database and data,
#                                        e.g. deploy/serve.sh manage birtizim_user anna --role admin
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE_DIR=${SERVE_DIR:-data/serve}
BIN=${BIN:-.venv/bin}
mkdir -p "$SERVE_DIR"

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(deploy/postgres.sh start "$SERVE_DIR/pg")
  echo "PostgreSQL in $SERVE_DIR/pg (stop it with: deploy/postgres.sh stop $SERVE_DIR/pg)"
fi
if [ -z "${BIRTIZIM_SECRET_KEY:-}" ]; then
  [ -f "$SERVE_DIR/secret-key" ] || (umask 077 && "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(50))" > "$SERVE_DIR/secret-key")
  BIRTIZIM_SECRET_KEY=$(cat "$SERVE_DIR/secret-key")
fi
export DATABASE_URL BIRTIZIM_SECRET_KEY
export DJANGO_SETTINGS_MODULE=birtizim.web.settings
export BIRTIZIM_DATA_DIR=${BIRTIZIM_DATA_DIR:-$SERVE_DIR/web}
export BIRTIZIM_ALLOWED_HOSTS=${BIRTIZIM_ALLOWED_HOSTS:-127.0.0.1,localhost}
export BIRTIZIM_SSL_REDIRECT=${BIRTIZIM_SSL_REDIRECT:-0}
export BIRTIZIM_TRUSTED_PROXIES=${BIRTIZIM_TRUSTED_PROXIES:-0}
unset BIRTIZIM_DEBUG

if [ "${1:-}" = "manage" ]; then
  shift
  "$BIN/python" manage.py migrate -v0
  exec "$BIN/python" manage.py "$@"
fi

"$BIN/python" manage.py migrate -v0
"$BIN/python" manage.py collectstatic --noinput -v0
echo "Accounts: deploy/serve.sh manage birtizim_user NAME --role admin"

"$BIN/python" manage.py birtizim_worker &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
"$BIN/gunicorn" -c deploy/gunicorn.conf.py birtizim.web.wsgi
