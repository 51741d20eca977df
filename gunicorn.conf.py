"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py portal.wsgi:app``.

Every value can be overridden on the command line or through ``GUNICORN_CMD_ARGS``; the
portal's own settings still come from the environment (README, "Configuration")."""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "0.0.0.0:8050")
# Threads keep a worker answering while some of its requests wait on slow uploads.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(4, multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PORTAL_THREADS") or 8)
# A 50 MB evidence file on a 0.25 MB/s ward connection takes 200 s: allow that plus margin
# before a worker is declared stuck.
timeout = int(os.environ.get("PORTAL_TIMEOUT") or 300)
graceful_timeout = 60
# An idle kept-alive connection must be closed by the client, never by the server: when both
# sides time out at about the same moment, a request the client sends on the connection just
# as the server closes it is lost (the client reads a reset, not an answer). The load test
# hit exactly that with the old 5 s here against httpx's 5 s pool expiry; nginx keeps idle
# upstream connections 60 s (``keepalive_timeout``). So the server waits longer than any
# client reuses a connection. An idle connection costs a socket in the worker's poller, not
# a thread (gthread), and ``worker_connections`` (1000) bounds them.
keepalive = int(os.environ.get("PORTAL_KEEPALIVE") or 75)
# Access log to stdout (with the worker pid), errors to stderr: the service manager keeps both.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s pid=%(p)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'
# Behind the HTTPS reverse proxy on the same host (PORTAL_HTTPS=1 trusts X-Forwarded-*).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
