"""What every loopback mock server here shares: the threaded HTTP server, announcing the port
through a port file (atomically, once listening), and serving until SIGTERM/SIGINT."""
import os
import signal
import threading
from http.server import ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def write_port_file(path, port):
    """Temp file + rename, so a reader polling for the file never sees it half-written."""
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def serve_until_signal(srv):
    """Serve on a thread until SIGTERM or SIGINT, then shut down cleanly."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    while not stop.is_set():
        stop.wait(0.5)
    srv.shutdown()
    srv.server_close()
