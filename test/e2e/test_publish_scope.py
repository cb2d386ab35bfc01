"""A login from before publish (no playlist-modify-private) ends publish with exit code 3 and a
message to log in again, before any write; `lw-ingest login` now asks for the scope."""
import json
import re
import socket
import subprocess

from publish_env import READ, PublishEnv
from e2e import LW_INGEST

env = PublishEnv("publish_scope", scope=READ)

env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 3, "exit code with a token lacking playlist-modify-private")
env.check("lw-ingest login" in err and "playlist-modify-private" in err, "message: %r" % err)
env.eq(env.writes(), {}, "write requests")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.publish_rules"), 0, "no rule stored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.publish_runs"), 0, "no publish logged")

# a token file that does not say its scope: the Web API's 403 decides, still exit 3, no item
doc = env.token_doc()
del doc["scope"]
with open(env.token_file, "w") as f:
    json.dump(doc, f)
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 3, "exit code when the API refuses for scope")
env.check("Insufficient client scope" in err and "lw-ingest login" in err, "message: %r" % err)
by = env.stats()["by_endpoint_status"]
env.eq({k: v for k, v in by.items() if k.startswith(("POST", "PUT"))}, {"POST /v1/me/playlists 403": 1},
       "the one write attempt was refused")
env.eq([r[1] for r in env.runs()], ["needs_login"], "publish_runs outcome")

# login asks for playlist-modify-private (the authorize URL printed by login)
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
sock.close()
p = subprocess.run([LW_INGEST, "login", "--timeout", "1", "--redirect-uri", "http://127.0.0.1:%d/callback" % port],
                   env=env.env(), capture_output=True, text=True, timeout=60)
m = re.search(r"scope=([^&\s]+)", p.stdout)
env.check(m is not None and "playlist-modify-private" in m.group(1), "login's scope: %r" % p.stdout)
env.finish()
