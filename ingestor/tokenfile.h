/*
 * tokenfile.h - the user's tokens on disk.
 *
 * JSON {access_token, refresh_token, expires_at, scope, auth_mode, authorized_at}, mode 0600,
 * written atomically (O_EXCL temp file in the same directory, fsync, rename, fsync directory);
 * the directory is created 0700. An exclusive flock on "<file>.lock" serialises
 * read-refresh-save between processes (cron and a person).
 *
 * Refused (LW_EXIT_USAGE, a message naming the path only): a token or lock file that is a
 * symbolic link (O_NOFOLLOW), not a regular file, or not ours; a token file whose mode gives
 * group or others any access; a directory that belongs to another user (root excepted) or is
 * group/world-writable without the sticky bit.
 */
#ifndef LW_TOKENFILE_H
#define LW_TOKENFILE_H

#include <stdint.h>

#include "exitcodes.h"

typedef struct lw_tokens
{
	char	   *access_token;
	char	   *refresh_token;
	int64_t		expires_at;		/* Unix seconds */
	char	   *scope;
	char	   *auth_mode;		/* "pkce", "code" (confidential) or "client_credentials" */
	int64_t		authorized_at;	/* Unix seconds of the interactive login */
	int64_t		obtained_at;	/* Unix seconds the access token was issued (0 = unknown) */
} lw_tokens;

/*
 * Whether the access token should be refreshed before use: absent, or fewer than 60 s left
 * (half its lifetime for tokens shorter than 2 minutes, so a short-lived token is not refreshed
 * again right after it was obtained).
 */
int			lw_tokens_expiring(const lw_tokens *t, int64_t now);

void		lw_tokens_free(lw_tokens *t);

/*
 * Returns 0 loaded, 1 file absent, -1 (err set): unsafe (LW_EXIT_USAGE), unreadable
 * (LW_EXIT_FAILURE) or corrupt (LW_EXIT_NEEDS_LOGIN).
 */
int			lw_tokens_load(const char *path, lw_tokens *out, lw_error *err);

/* Atomic save with mode 0600. Returns 0 or -1 (err set, LW_EXIT_FAILURE). */
int			lw_tokens_save(const char *path, const lw_tokens *t, lw_error *err);

/* Remove the file (logout). Returns 0 if removed or absent, -1 on error. */
int			lw_tokens_delete(const char *path, lw_error *err);

/* Take the exclusive lock (blocks up to timeout_s seconds). Returns an fd >= 0 or -1. */
int			lw_tokens_lock(const char *path, int timeout_s, lw_error *err);
void		lw_tokens_unlock(int fd);

#endif							/* LW_TOKENFILE_H */
