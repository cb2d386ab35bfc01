"""The token file is refused, with exit 2, a message that says why and no secret in the output,
when other users could read or replace it: mode wider than 0600, a symbolic link, a directory
others can write to. Nothing is synced then; once fixed, the same file works."""
import os
import subprocess

from e2e import LW_INGEST, Env

env = Env("token_file")
secrets = [env.tokens["access_token"], env.tokens["refresh_token"]]


def refused(what, cmd, want):
    rc, err, _ = env.run(cmd)
    env.eq(rc, 2, "%s: %s exits 2" % (what, cmd))
    env.check("refusing" in err and want in err, "%s: the message says why (%r)" % (what, err.strip()))
    env.check(not any(s in err for s in secrets), "%s: no token in the output" % what)


# readable by the group or others
for mode in (0o644, 0o640, 0o604):
    os.chmod(env.token_file, mode)
    refused("mode %04o" % mode, "sync", "chmod 600")
p = subprocess.run([LW_INGEST, "status"], env=env.env(), capture_output=True, text=True, timeout=60)
env.eq(p.returncode, 2, "mode 0604: status exits 2")
env.check("chmod 600" in p.stderr and not any(s in p.stderr + p.stdout for s in secrets),
          "mode 0604: status says why, without a token")
env.eq(env.q("SELECT DISTINCT status, error LIKE 'refusing to use token file %' FROM listen_wiseer.ingest_runs"),
       [["failed", "t"]], "the runs are recorded as failed, with the reason")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), 0, "nothing synced")
os.chmod(env.token_file, 0o600)

# a symbolic link to a good file
real = env.token_file + ".real"
os.rename(env.token_file, real)
os.symlink(real, env.token_file)
refused("symbolic link", "sync", "symbolic link")
os.unlink(env.token_file)
os.rename(real, env.token_file)

# a directory other users can write to (no sticky bit)
os.chmod(env.tmp, 0o777)
refused("world-writable directory", "sync", "writable by other users")
os.chmod(env.tmp, 0o770)
refused("group-writable directory", "sync", "writable by other users")
os.chmod(env.tmp, 0o700)

# fixed: the same file works
rc, err, _ = env.sync()
env.eq(rc, 0, "sync with the file at 0600 in a private directory")
env.eq(os.stat(env.token_file).st_mode & 0o777, 0o600, "the token file stays 0600")
env.check(not [f for f in os.listdir(env.tmp) if ".tmp-" in f], "no temp file left behind")

env.finish()
