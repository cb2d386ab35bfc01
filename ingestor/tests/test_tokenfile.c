/*
 * Unit tests: tokenfile.c (atomic 0600 save, 0700 directory, load, lock, delete; refusing
 * symbolic links, modes wider than 0600 and directories other users control).
 */
#include "lw_test.h"
#include "log.h"
#include "tokenfile.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static int
count_entries(const char *d)
{
	DIR		   *dh = opendir(d);
	struct dirent *e;
	int			n = 0;

	if (!dh)
		return -1;
	while ((e = readdir(dh)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dh);
	return n;
}

LW_TEST(save_load_roundtrip)
{
	char		path[512];
	char		sub[300];
	lw_tokens	t = {0};
	lw_tokens	u;
	lw_error	e;
	struct stat st;

	lw_error_clear(&e);
	snprintf(sub, sizeof(sub), "%s/cfg/listen-wiseer", dir);
	snprintf(path, sizeof(path), "%s/token.json", sub);
	CHECK_INT(lw_tokens_load(path, &u, &e), 1);	/* absent */

	t.access_token = "BQaccess1";
	t.refresh_token = "AQrefresh1";
	t.expires_at = 1900000000;
	t.scope = "playlist-read-private user-library-read";
	t.auth_mode = "pkce";
	t.authorized_at = 1890000000;
	t.obtained_at = 1899996400;
	umask(022);					/* a permissive umask must not widen the file */
	CHECK_INT(lw_tokens_save(path, &t, &e), 0);
	CHECK(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK(stat(sub, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(count_entries(sub), 1);	/* no temp file left behind */

	CHECK_INT(lw_tokens_load(path, &u, &e), 0);
	CHECK_STR(u.access_token, "BQaccess1");
	CHECK_STR(u.refresh_token, "AQrefresh1");
	CHECK_STR(u.scope, "playlist-read-private user-library-read");
	CHECK_STR(u.auth_mode, "pkce");
	CHECK_INT(u.expires_at, 1900000000);
	CHECK_INT(u.authorized_at, 1890000000);
	CHECK_INT(u.obtained_at, 1899996400);
	lw_tokens_free(&u);

	/* overwrite: new content replaces the old atomically, mode stays 0600 */
	t.access_token = "BQaccess2";
	t.refresh_token = NULL;
	CHECK_INT(lw_tokens_save(path, &t, &e), 0);
	CHECK_INT(lw_tokens_load(path, &u, &e), 0);
	CHECK_STR(u.access_token, "BQaccess2");
	CHECK(u.refresh_token == NULL);
	lw_tokens_free(&u);
	CHECK(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(count_entries(sub), 1);

	CHECK_INT(lw_tokens_delete(path, &e), 0);
	CHECK_INT(lw_tokens_delete(path, &e), 0);	/* absent is fine */
	CHECK_INT(lw_tokens_load(path, &u, &e), 1);
}

LW_TEST(corrupt_file)
{
	char		path[512];
	lw_tokens	u;
	lw_error	e;
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/corrupt.json", dir);
	f = fopen(path, "w");
	fputs("{\"access_token\": ", f);
	fclose(f);
	chmod(path, 0600);
	lw_error_clear(&e);
	CHECK_INT(lw_tokens_load(path, &u, &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_NEEDS_LOGIN);
	CHECK(strstr(e.message, "lw-ingest login") != NULL);
	unlink(path);
}

LW_TEST(loaded_tokens_are_secrets)
{
	char		path[512];
	lw_tokens	t = {0};
	lw_tokens	u;
	lw_error	e;
	char		out[256];

	lw_log_clear_secrets();
	snprintf(path, sizeof(path), "%s/s.json", dir);
	t.access_token = "BQfromdisk123";
	t.refresh_token = "AQfromdisk456";
	lw_tokens_save(path, &t, &e);
	lw_tokens_load(path, &u, &e);
	lw_redact("a BQfromdisk123 b AQfromdisk456", out, sizeof(out));
	CHECK_STR(out, "a [REDACTED] b [REDACTED]");
	lw_tokens_free(&u);
	unlink(path);
}

LW_TEST(lock_excludes)
{
	char		path[512];
	char		lockp[520];
	lw_error	e;
	int			fd;
	int			fd2;
	int			other;

	snprintf(path, sizeof(path), "%s/lk/token.json", dir);
	snprintf(lockp, sizeof(lockp), "%s.lock", path);
	lw_error_clear(&e);
	fd = lw_tokens_lock(path, 5, &e);
	CHECK(fd >= 0);
	/* a second open file description cannot take it */
	other = open(lockp, O_RDWR);
	CHECK(other >= 0);
	CHECK(flock(other, LOCK_EX | LOCK_NB) == -1);
	/* and lw_tokens_lock times out with a message */
	fd2 = lw_tokens_lock(path, 1, &e);
	CHECK_INT(fd2, -1);
	CHECK(strstr(e.message, "locked") != NULL);
	lw_tokens_unlock(fd);
	CHECK(flock(other, LOCK_EX | LOCK_NB) == 0);
	close(other);
}

/* A token file with two known secrets at path, mode 0600. */
static void
write_tokens(const char *path)
{
	lw_tokens	t = {0};
	lw_error	e;

	t.access_token = "BQsecretaccess";
	t.refresh_token = "AQsecretrefresh";
	t.expires_at = 1900000000;
	lw_error_clear(&e);
	CHECK_INT(lw_tokens_save(path, &t, &e), 0);
}

/* The message names the problem and never carries a token. */
static void
check_refused(int rc, const lw_error *e, const char *why)
{
	CHECK_INT(rc, -1);
	CHECK_INT(e->exit_code, LW_EXIT_USAGE);
	CHECK(strstr(e->message, "refusing") != NULL);
	CHECK(strstr(e->message, why) != NULL);
	CHECK(strstr(e->message, "BQsecret") == NULL);
	CHECK(strstr(e->message, "AQsecret") == NULL);
}

static void
read_file(const char *path, char *buf, size_t n)
{
	FILE	   *f = fopen(path, "r");
	size_t		k = 0;

	if (f)
	{
		k = fread(buf, 1, n - 1, f);
		fclose(f);
	}
	buf[k] = '\0';
}

LW_TEST(symlink_refused)
{
	char		sub[300],
				real[400],
				link[400],
				lock[410],
				before[1024],
				after[1024];
	lw_tokens	u;
	lw_error	e;
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/sym", dir);
	snprintf(real, sizeof(real), "%s/real.json", sub);
	snprintf(link, sizeof(link), "%s/token.json", sub);
	snprintf(lock, sizeof(lock), "%s.lock", link);
	write_tokens(real);
	CHECK(symlink("real.json", link) == 0);

	/* reading through the link is refused, even though the target is a good 0600 file */
	lw_error_clear(&e);
	check_refused(lw_tokens_load(link, &u, &e), &e, "symbolic link");
	CHECK(u.access_token == NULL);
	lw_error_clear(&e);
	CHECK_INT(lw_tokens_load(real, &u, &e), 0);	/* the target itself is fine */
	lw_tokens_free(&u);

	/* a lock file that is a link (to a file another process could watch) is refused */
	CHECK(symlink("real.json", lock) == 0);
	lw_error_clear(&e);
	check_refused(lw_tokens_lock(link, 1, &e), &e, "symbolic link");
	unlink(lock);

	/* saving never writes through the link: the link is replaced, its target is untouched */
	read_file(real, before, sizeof(before));
	{
		lw_tokens	t = {0};

		t.access_token = "BQnewone";
		lw_error_clear(&e);
		CHECK_INT(lw_tokens_save(link, &t, &e), 0);
	}
	read_file(real, after, sizeof(after));
	CHECK_STR(after, before);
	CHECK(lstat(link, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0600);
}

LW_TEST(wide_mode_refused)
{
	char		path[512];
	lw_tokens	u;
	lw_error	e;
	static const int modes[] = {0644, 0640, 0604, 0660, 0606};

	snprintf(path, sizeof(path), "%s/modes/token.json", dir);
	write_tokens(path);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
	{
		char		want[8];

		CHECK(chmod(path, (mode_t) modes[i]) == 0);
		lw_error_clear(&e);
		check_refused(lw_tokens_load(path, &u, &e), &e, "chmod 600");
		snprintf(want, sizeof(want), "%04o", modes[i]);
		CHECK(strstr(e.message, want) != NULL);
		CHECK(u.access_token == NULL);
	}
	/* 0600 (and narrower) is accepted */
	CHECK(chmod(path, 0600) == 0);
	lw_error_clear(&e);
	CHECK_INT(lw_tokens_load(path, &u, &e), 0);
	CHECK_STR(u.access_token, "BQsecretaccess");
	lw_tokens_free(&u);
	CHECK(chmod(path, 0400) == 0);
	CHECK_INT(lw_tokens_load(path, &u, &e), 0);
	lw_tokens_free(&u);

	/* not a regular file */
	snprintf(path, sizeof(path), "%s/modes/fifo.json", dir);
	CHECK(mkfifo(path, 0600) == 0);
	lw_error_clear(&e);
	check_refused(lw_tokens_load(path, &u, &e), &e, "not a regular file");
}

LW_TEST(hostile_directory_refused)
{
	char		sub[300],
				path[400];
	lw_tokens	u;
	lw_error	e;
	int			fd;
	static const int modes[] = {0777, 0770, 0730, 0703};

	snprintf(sub, sizeof(sub), "%s/shared", dir);
	snprintf(path, sizeof(path), "%s/token.json", sub);
	CHECK(mkdir(sub, 0700) == 0);
	write_tokens(path);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
	{
		CHECK(chmod(sub, (mode_t) modes[i]) == 0);
		/* no write, no lock file, no read, no delete in a directory others can change */
		lw_error_clear(&e);
		check_refused(lw_tokens_save(path, &(lw_tokens) {.access_token = "BQsecretx"}, &e), &e,
					  "writable by other users");
		lw_error_clear(&e);
		check_refused(lw_tokens_lock(path, 1, &e), &e, "writable by other users");
		lw_error_clear(&e);
		check_refused(lw_tokens_load(path, &u, &e), &e, "writable by other users");
		lw_error_clear(&e);
		check_refused(lw_tokens_delete(path, &e), &e, "writable by other users");
		CHECK_INT(count_entries(sub), 1);	/* only the token file: no temp or lock file */
	}
	/* the sticky bit (as on /tmp) stops others from replacing our files: accepted */
	CHECK(chmod(sub, 01777) == 0);
	write_tokens(path);
	lw_error_clear(&e);
	fd = lw_tokens_lock(path, 1, &e);
	CHECK(fd >= 0);
	lw_tokens_unlock(fd);
	CHECK_INT(lw_tokens_load(path, &u, &e), 0);
	lw_tokens_free(&u);
	CHECK(chmod(sub, 0700) == 0);

	if (geteuid() != 0)
	{
		printf("note: not root, skipping the other-owner checks\n");
		return;
	}
	/* a directory that belongs to another user */
	CHECK(chown(sub, 65534, 65534) == 0);
	lw_error_clear(&e);
	check_refused(lw_tokens_save(path, &(lw_tokens) {.access_token = "BQsecretx"}, &e), &e,
				  "belongs to another user");
	lw_error_clear(&e);
	check_refused(lw_tokens_load(path, &u, &e), &e, "belongs to another user");
	CHECK(chown(sub, 0, 0) == 0);
	/* a token file or lock file planted by another user */
	CHECK(chown(path, 65534, 65534) == 0);
	lw_error_clear(&e);
	check_refused(lw_tokens_load(path, &u, &e), &e, "belongs to another user");
	{
		char		lock[410];

		snprintf(lock, sizeof(lock), "%s.lock", path);
		CHECK(chown(lock, 65534, 65534) == 0);
		lw_error_clear(&e);
		check_refused(lw_tokens_lock(path, 1, &e), &e, "belongs to another user");
	}
}

LW_TEST(expiring)
{
	lw_tokens	t = {0};
	int64_t		now = 1800000000;

	CHECK(lw_tokens_expiring(&t, now));	/* no token */
	t.access_token = "BQ";
	t.expires_at = now + 3600;
	CHECK(!lw_tokens_expiring(&t, now));
	t.expires_at = now + 61;
	CHECK(!lw_tokens_expiring(&t, now));
	t.expires_at = now + 59;	/* fewer than 60 s left */
	CHECK(lw_tokens_expiring(&t, now));
	t.expires_at = now - 5;
	CHECK(lw_tokens_expiring(&t, now));
	/* a 30 s token just obtained is not refreshed again at once; at < 15 s it is */
	t.obtained_at = now;
	t.expires_at = now + 30;
	CHECK(!lw_tokens_expiring(&t, now));
	CHECK(!lw_tokens_expiring(&t, now + 14));
	CHECK(lw_tokens_expiring(&t, now + 16));
	/* a normal one-hour token still uses the 60 s margin */
	t.expires_at = now + 3600;
	CHECK(!lw_tokens_expiring(&t, now + 3539));
	CHECK(lw_tokens_expiring(&t, now + 3541));
}

int
main(void)
{
	if (lw_test_mkdtemp(dir, sizeof(dir), "tokentest") < 0)
		return 2;
	LW_RUN(save_load_roundtrip);
	LW_RUN(corrupt_file);
	LW_RUN(loaded_tokens_are_secrets);
	LW_RUN(lock_excludes);
	LW_RUN(symlink_refused);
	LW_RUN(wide_mode_refused);
	LW_RUN(hostile_directory_refused);
	LW_RUN(expiring);
	lw_test_rmdir(dir);
	LW_TEST_END();
}
