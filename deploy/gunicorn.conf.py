"""gunicorn for Birtizim: ``gunicorn -c deploy/gunicorn.conf.py birtizim.web.wsgi``.

Sync workers, one request each at a time: pages are short (a dashboard reads the run's summary from
the database, a work-list page one DuckDB query) and CPU-bound, so threads would only share a core.
Every value can be set from the environment; docs/web.md ("Production") explains the choices.
"""

import multiprocessing
import os

bind = os.environ.get("BIRTIZIM_BIND", "127.0.0.1:8000")  # nginx in front (deploy/nginx.conf)
# Two per core: one computes while the other waits on PostgreSQL or the disk. Each keeps the current
# run's DuckDB file open (read-only), a few hundred MB at two million residents.
workers = int(os.environ.get("BIRTIZIM_WORKERS", str(2 * multiprocessing.cpu_count())))
worker_class = "sync"
# A request longer than this is killed and its worker replaced: an agency list's upload and preview
# (500 MB at most) is the longest; a page takes milliseconds.
timeout = int(os.environ.get("BIRTIZIM_TIMEOUT", "120"))
graceful_timeout = 30  # a restart lets running requests finish
keepalive = 5  # seconds an idle connection from nginx stays open
# Workers are replaced after this many requests (plus jitter, so not all at once): memory that DuckDB
# or Python kept does not accumulate for weeks.
max_requests = int(os.environ.get("BIRTIZIM_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Request line and headers: bounded well below what a browser sends; bodies are bounded by Django
# (DATA_UPLOAD_MAX_MEMORY_SIZE, settings.INTAKE) and nginx (client_max_body_size).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # workers' heartbeat files in memory
# The access log names the path without its query string: searches carry IINs and names.
accesslog = os.environ.get("BIRTIZIM_ACCESS_LOG", "-") or None  # empty: no access log
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("BIRTIZIM_LOG_LEVEL", "info")
proc_name = "birtizim"
# gunicorn's runtime control socket (gunicornc) lives in $HOME by default, shared by every gunicorn of the
# user; systemd restarts and reloads the service instead.
control_socket_disable = True
