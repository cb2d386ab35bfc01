/*
 * tokenfile.c - token file I/O: atomic 0600 writes, flock-based lock (see tokenfile.h).
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
	if (json_is_real(v))
		return (int64_t) json_real_value(v);
	return 0;
}

int
lw_tokens_expiring(const lw_tokens *t, int64_t now)
{
	int64_t		margin = 60;

	if (t->access_token == NULL || t->access_token[0] == '\0')
		return 1;
	if (t->obtained_at > 0 && t->expires_at > t->obtained_at &&
		(t->expires_at - t->obtained_at) / 2 < margin)
		margin = (t->expires_at - t->obtained_at) / 2;
	return t->expires_at - now < margin;
}

int
lw_tokens_load(const char *path, lw_tokens *out, lw_error *err)
{
	json_error_t jerr;
	json_t	   *root;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (stat(path, &st) < 0)
	{
		if (errno == ENOENT)
			return 1;
		lw_error_set(err, LW_EXIT_FAILURE, "cannot read token file %s: %s", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & 077) != 0)
		lw_log_warn("token file %s is accessible by other users (mode %03o); it should be 0600",
					path, (unsigned) (st.st_mode & 0777));
	root = json_load_file(path, 0, &jerr);
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
	char	   *dir = dir_of(path);
	lw_buf		tmp = {0};
	json_t	   *root = json_object();
	char	   *text = NULL;
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

	if (make_dirs(dir) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot create directory %s: %s", dir, strerror(errno));
		goto out;
	}
	if (lw_random_bytes(rnd, sizeof(rnd)) < 0)
		memset(rnd, 0x5a, sizeof(rnd));
	lw_base64url_encode(rnd, sizeof(rnd), suffix);
	lw_buf_printf(&tmp, "%s.tmp-%s", path, suffix);
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot create %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	/* the umask cannot widen 0600, but make the mode explicit anyway */
	if (fchmod(fd, 0600) < 0 ||
		write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0 || fsync(fd) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot write %s: %s", tmp.data, strerror(errno));
		close(fd);
		fd = -1;
		unlink(tmp.data);
		goto out;
	}
	if (close(fd) < 0)
	{
		fd = -1;
		lw_error_set(err, LW_EXIT_FAILURE, "cannot write %s: %s", tmp.data, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	/* make the rename itself durable */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
	{
		(void) fsync(fd);
		close(fd);
		fd = -1;
	}
	rc = 0;
out:
	if (text)
	{
		memset(text, 0, strlen(text));
		free(text);
	}
	lw_buf_free(&tmp);
	free(dir);
	return rc;
}

int
lw_tokens_delete(const char *path, lw_error *err)
{
	if (unlink(path) < 0 && errno != ENOENT)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
lw_tokens_lock(const char *path, int timeout_s, lw_error *err)
{
	char	   *dir = dir_of(path);
	lw_buf		lock = {0};
	int			fd;
	double		deadline = lw_monotonic() + timeout_s;

	if (make_dirs(dir) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot create directory %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	lw_buf_printf(&lock, "%s.lock", path);
	fd = open(lock.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "cannot open lock file %s: %s", lock.data,
					 strerror(errno));
		lw_buf_free(&lock);
		return -1;
	}
	for (;;)
	{
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR)
		{
			lw_error_set(err, LW_EXIT_FAILURE, "cannot lock %s: %s", lock.data, strerror(errno));
			close(fd);
			lw_buf_free(&lock);
			return -1;
		}
		if (lw_monotonic() >= deadline)
		{
			lw_error_set(err, LW_EXIT_FAILURE,
						 "token file %s is locked by another lw-ingest for more than %d s",
						 path, timeout_s);
			close(fd);
			lw_buf_free(&lock);
			return -1;
		}
		lw_sleep_ms(100);
	}
	lw_buf_free(&lock);
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
