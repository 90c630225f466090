"""gunicorn settings of the scale series: one sync worker, never recycled; `GET /__gc` collects garbage
in the worker first (the app answers 404), so its RSS can be read after a gc.collect()."""

import gc

workers = 1
worker_class = "sync"
timeout = 600
max_requests = 0
accesslog = None
errorlog = "-"
loglevel = "warning"


def pre_request(worker, req):
    if req.path == "/__gc":
        gc.collect()
