"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'csapp:create_app()'` (see README, 上线运行).

Every value can be overridden in the environment (GUNICORN_WORKERS, GUNICORN_BIND, …).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
# Sync workers: requests are short (stored results, one team per grid); two per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that runs this long is a fault, not a load: gunicorn kills it and starts a fresh worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# The safety net against slow growth: each worker is replaced after this many requests (jittered so
# they do not all restart at once). Not a cure for a leak — the benchmark checks RSS without it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# Uploads and exports go through temporary files; keep them off a small /tmp when one is configured.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The app is created in each worker (no preload): SQLite connections must not cross a fork.
preload_app = False
