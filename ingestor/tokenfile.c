/*
 * tokenfile.c - token file I/O: atomic 0600 writes, flock-based lock (see tokenfile.h).
 * Every access goes through the checked directory's fd (openat/renameat) and never follows
 * a symbolic link.
 */
#include "tokenfile.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

void
lw_tokens_free(lw_tokens *t)
{
	free(t->access_token);
	free(t->refresh_token);
	free(t->scope);
	free(t->auth_mode);
	memset(t, 0, sizeof(*t));
}

static char *
json_str(json_t *obj, const char *key)
{
	json_t	   *v = json_object_get(obj, key);

	return json_is_string(v) ? lw_strdup(json_string_value(v)) : NULL;
}

static int64_t
json_int(json_t *obj, const char *key)
{
	json_t	   *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (int64_t) json_integer_value(v);
	/* a real outside int64 (e.g. 1e300) would be an undefined cast: treat it as unknown (0) */
	if (json_is_real(v) && json_real_value(v) > -9.2e18 && json_real_value(v) < 9.2e18)
		return (int64_t) json_real_value(v);
	return 0;
}

int
lw_tokens_expiring(const lw_tokens *t, int64_t now)
{
	int64_t		margin = 60;
	int64_t		left;

	if (t->access_token == NULL || t->access_token[0] == '\0')
		return 1;
	if (t->obtained_at > 0 && t->expires_at > t->obtained_at &&
		(t->expires_at - t->obtained_at) / 2 < margin)
		margin = (t->expires_at - t->obtained_at) / 2;
	/* expires_at comes from the file: any int64; on overflow the sign of the difference decides */
	if (__builtin_sub_overflow(t->expires_at, now, &left))
		return t->expires_at < now;
	return left < margin;
}

/* mkdir -p with mode 0700 for every directory we create. */
static int
make_dirs(const char *dir)
{
	char	   *copy = lw_strdup(dir);
	int			rc = 0;

	for (char *p = copy + 1; *p; p++)
	{
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(copy, 0700) < 0 && errno != EEXIST)
		rc = -1;
	free(copy);
	return rc;
}

static char *
dir_of(const char *path)
{
	char	   *copy = lw_strdup(path);
	char	   *d = lw_strdup(dirname(copy));

	free(copy);
	return d;
}

/*
 * The directory of path, opened and checked: it must belong to us (or root) and must not be
 * writable by other users unless it has the sticky bit (like /tmp), so that nobody else can
 * replace, rename or plant files in it. Every later access goes through the returned fd
 * (openat, renameat), so the directory checked is the one used. *base gets the file name
 * (caller frees). Returns the fd, -2 if the directory does not exist (create = 0 only), or -1
 * (err set).
 */
static int
open_safe_dir(const char *path, int create, char **base, lw_error *err)
{
	char	   *dir = dir_of(path);
	char	   *copy = lw_strdup(path);
	struct stat st;
	int			dfd;

	*base = lw_strdup(basename(copy));
	free(copy);
	if (create && make_dirs(dir) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot create directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
	{
		if (errno == ENOENT && !create)
		{
			free(dir);
			free(*base);
			*base = NULL;
			return -2;
		}
		lw_error_set(err, LW_EXIT_FAILURE, "cannot open directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (fstat(dfd, &st) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot open directory %s: %s", dir, strerror(errno));
		close(dfd);
		goto fail;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "refusing to use token file %s: its directory %s belongs to another user "
					 "(uid %u); keep the token file in a directory of your own", path, dir,
					 (unsigned) st.st_uid);
		close(dfd);
		goto fail;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "refusing to use token file %s: its directory %s is writable by other users "
					 "(mode %04o); run chmod go-w on it or choose another --token-file", path, dir,
					 (unsigned) (st.st_mode & 07777));
		close(dfd);
		goto fail;
	}
	free(dir);
	return dfd;

fail:
	free(dir);
	free(*base);
	*base = NULL;
	return -1;
}

/* A file we opened in the token directory must be a regular file of ours. */
static int
check_own_file(int fd, const char *what, const char *path, lw_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot read %s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
	{
		lw_error_set(err, LW_EXIT_USAGE, "refusing to use %s %s: it is not a regular file", what,
					 path);
		return -1;
	}
	if (st.st_uid != geteuid())
	{
		lw_error_set(err, LW_EXIT_USAGE, "refusing to use %s %s: it belongs to another user (uid %u)",
					 what, path, (unsigned) st.st_uid);
		return -1;
	}
	return 0;
}

int
lw_tokens_load(const char *path, lw_tokens *out, lw_error *err)
{
	json_error_t jerr;
	json_t	   *root;
	struct stat st;
	char	   *base;
	int			dfd;
	int			fd;

	memset(out, 0, sizeof(*out));
	dfd = open_safe_dir(path, 0, &base, err);
	if (dfd == -2)
		return 1;
	if (dfd < 0)
		return -1;
	/* O_NOFOLLOW: a symbolic link is refused, whatever it points at; O_NONBLOCK: no FIFO hangs */
	fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	free(base);
	if (fd < 0)
	{
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			lw_error_set(err, LW_EXIT_USAGE,
						 "refusing to use token file %s: it is a symbolic link; give the real path",
						 path);
		else
			lw_error_set(err, LW_EXIT_FAILURE, "cannot read token file %s: %s", path,
						 strerror(errno));
		return -1;
	}
	if (check_own_file(fd, "token file", path, err) < 0 || fstat(fd, &st) < 0)
	{
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "refusing to use token file %s: its mode %04o lets other users read or change "
					 "it; run chmod 600 on it (and consider `lw-ingest logout` and a new login if "
					 "others could have read it)", path, (unsigned) (st.st_mode & 07777));
		close(fd);
		return -1;
	}
	root = json_loadfd(fd, 0, &jerr);
	close(fd);
	if (root == NULL || !json_is_object(root))
	{
		json_decref(root);
		lw_error_set(err, LW_EXIT_NEEDS_LOGIN,
					 "token file %s is not valid JSON; run `lw-ingest login` to recreate it", path);
		return -1;
	}
	out->access_token = json_str(root, "access_token");
	out->refresh_token = json_str(root, "refresh_token");
	out->scope = json_str(root, "scope");
	out->auth_mode = json_str(root, "auth_mode");
	out->expires_at = json_int(root, "expires_at");
	out->authorized_at = json_int(root, "authorized_at");
	out->obtained_at = json_int(root, "obtained_at");
	json_decref(root);
	lw_log_add_secret(out->access_token);
	lw_log_add_secret(out->refresh_token);
	return 0;
}

static int
write_all(int fd, const char *s, size_t n)
{
	while (n > 0)
	{
		ssize_t		w = write(fd, s, n);

		if (w < 0)
		{
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t) w;
	}
	return 0;
}

static void
set_opt_str(json_t *obj, const char *key, const char *v)
{
	json_object_set_new(obj, key, v ? json_string(v) : json_null());
}

int
lw_tokens_save(const char *path, const lw_tokens *t, lw_error *err)
{
	char	   *base = NULL;
	lw_buf		tmp = {0};		/* the temp file's name in the directory */
	lw_buf		tmp_path = {0};	/* and its path, for messages */
	json_t	   *root = json_object();
	char	   *text = NULL;
	int			dfd = -1;
	int			fd = -1;
	int			rc = -1;
	unsigned char rnd[6];
	char		suffix[9];

	set_opt_str(root, "access_token", t->access_token);
	set_opt_str(root, "refresh_token", t->refresh_token);
	json_object_set_new(root, "expires_at", json_integer((json_int_t) t->expires_at));
	set_opt_str(root, "scope", t->scope);
	set_opt_str(root, "auth_mode", t->auth_mode);
	json_object_set_new(root, "authorized_at", json_integer((json_int_t) t->authorized_at));
	json_object_set_new(root, "obtained_at", json_integer((json_int_t) t->obtained_at));
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);

	dfd = open_safe_dir(path, 1, &base, err);
	if (dfd < 0)
		goto out;
	if (lw_random_bytes(rnd, sizeof(rnd)) < 0)
		memset(rnd, 0x5a, sizeof(rnd));
	lw_base64url_encode(rnd, sizeof(rnd), suffix);
	lw_buf_printf(&tmp, "%s.tmp-%s", base, suffix);
	lw_buf_printf(&tmp_path, "%s.tmp-%s", path, suffix);
	/* the temp file, the rename and the fsync all happen in the directory checked above */
	fd = openat(dfd, tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot create %s: %s", tmp_path.data, strerror(errno));
		goto out;
	}
	/* the umask cannot widen 0600, but make the mode explicit anyway */
	if (fchmod(fd, 0600) < 0 ||
		write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot write %s: %s", tmp_path.data, strerror(errno));
		close(fd);
		fd = -1;
		unlinkat(dfd, tmp.data, 0);
		goto out;
	}
	if (close(fd) < 0)
	{
		fd = -1;
		lw_error_set(err, LW_EXIT_FAILURE, "cannot write %s: %s", tmp_path.data, strerror(errno));
		unlinkat(dfd, tmp.data, 0);
		goto out;
	}
	fd = -1;
	if (renameat(dfd, tmp.data, dfd, base) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot replace %s: %s", path, strerror(errno));
		unlinkat(dfd, tmp.data, 0);
		goto out;
	}
	/* make the rename itself durable */
	(void) fsync(dfd);
	rc = 0;
out:
	if (text)
	{
		memset(text, 0, strlen(text));
		free(text);
	}
	if (dfd >= 0)
		close(dfd);
	free(base);
	lw_buf_free(&tmp);
	lw_buf_free(&tmp_path);
	return rc;
}

int
lw_tokens_delete(const char *path, lw_error *err)
{
	char	   *base;
	int			dfd = open_safe_dir(path, 0, &base, err);
	int			rc = 0;

	if (dfd == -2)
		return 0;
	if (dfd < 0)
		return -1;
	if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot remove %s: %s", path, strerror(errno));
		rc = -1;
	}
	close(dfd);
	free(base);
	return rc;
}

int
lw_tokens_lock(const char *path, int timeout_s, lw_error *err)
{
	char	   *base;
	lw_buf		lock = {0};		/* the lock file's name in the directory */
	lw_buf		lock_path = {0};
	int			dfd;
	int			fd;
	double		deadline = lw_monotonic() + timeout_s;

	dfd = open_safe_dir(path, 1, &base, err);
	if (dfd < 0)
		return -1;
	lw_buf_printf(&lock, "%s.lock", base);
	lw_buf_printf(&lock_path, "%s.lock", path);
	free(base);
	fd = openat(dfd, lock.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
				0600);
	close(dfd);
	lw_buf_free(&lock);
	if (fd < 0)
	{
		if (errno == ELOOP)
			lw_error_set(err, LW_EXIT_USAGE, "refusing to use lock file %s: it is a symbolic link",
						 lock_path.data);
		else
			lw_error_set(err, LW_EXIT_FAILURE, "cannot open lock file %s: %s", lock_path.data,
						 strerror(errno));
		lw_buf_free(&lock_path);
		return -1;
	}
	if (check_own_file(fd, "lock file", lock_path.data, err) < 0)
	{
		close(fd);
		lw_buf_free(&lock_path);
		return -1;
	}
	for (;;)
	{
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR)
		{
			lw_error_set(err, LW_EXIT_FAILURE, "cannot lock %s: %s", lock_path.data, strerror(errno));
			close(fd);
			lw_buf_free(&lock_path);
			return -1;
		}
		if (lw_monotonic() >= deadline)
		{
			lw_error_set(err, LW_EXIT_FAILURE,
						 "token file %s is locked by another lw-ingest for more than %d s",
						 path, timeout_s);
			close(fd);
			lw_buf_free(&lock_path);
			return -1;
		}
		lw_sleep_ms(100);
	}
	lw_buf_free(&lock_path);
	return fd;
}

void
lw_tokens_unlock(int fd)
{
	if (fd >= 0)
	{
		flock(fd, LOCK_UN);
		close(fd);
	}
}
