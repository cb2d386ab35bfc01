/*
 * fuzz_tokenfile.c - the token file reader (ingestor/tokenfile.c): lw_tokens_load on the input
 * written to a file (mode 0600 in a private 0700 directory, so the safety checks pass), then
 * lw_tokens_expiring at several clocks, as api.c and oauth.c use it.
 *
 * Properties beyond the sanitizers: load returns 0 or -1 (never 1: the file exists); -1 means
 * corrupt (asks for a login); lw_tokens_expiring agrees with its contract computed in 128-bit
 * arithmetic, for any stored times; a loaded access token is registered for redaction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "log.h"
#include "tokenfile.h"
#include "fuzz.h"

static char dir[64];
static char path[96];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	lw_log_set_stream(fopen("/dev/null", "w"));
	snprintf(dir, sizeof(dir), "/tmp/lw-fuzz-tokens-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/tokens.json", dir);
	atexit(cleanup);
	return 0;
}

/* The contract of lw_tokens_expiring (tokenfile.h), in 128-bit arithmetic: no overflow. */
static int
expiring_model(const lw_tokens *t, int64_t now)
{
	__int128	margin = 60;
	__int128	life = (__int128) t->expires_at - t->obtained_at;

	if (t->access_token == NULL || t->access_token[0] == '\0')
		return 1;
	if (t->obtained_at > 0 && life > 0 && life / 2 < margin)
		margin = life / 2;
	return (__int128) t->expires_at - now < margin;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* time(): the epoch, 2026, 2100 (never negative) */
	static const int64_t clocks[] = {0, 1767225600, 4102444800};
	int			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	lw_tokens	t;
	lw_error	err;
	int			rc;
	size_t		off = 0;

	if (fd < 0)
		return 0;
	while (off < size)
	{
		ssize_t		w = write(fd, data + off, size - off);

		if (w <= 0)
		{
			close(fd);
			return 0;
		}
		off += (size_t) w;
	}
	close(fd);
	lw_log_clear_secrets();
	lw_error_clear(&err);
	rc = lw_tokens_load(path, &t, &err);
	CHECK(rc == 0 || rc == -1);
	if (rc < 0 && getenv("FUZZ_DEBUG"))
		fprintf(stderr, "load: %d %s\n", err.exit_code, err.message);
	if (rc < 0)
		CHECK(err.exit_code == LW_EXIT_NEEDS_LOGIN && err.message[0] != '\0');
	else
	{
		char		red[256];

		for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		{
			int			e = lw_tokens_expiring(&t, clocks[i]);

			CHECK(e == 0 || e == 1);
			CHECK(e == expiring_model(&t, clocks[i]));
			if (t.access_token == NULL || t.access_token[0] == '\0')
				CHECK(e == 1);
		}
		if (t.access_token && strlen(t.access_token) >= 4 && strlen(t.access_token) < 200 &&
			strstr(t.access_token, "[REDACTED]") == NULL)
		{
			lw_redact(t.access_token, red, sizeof(red));
			CHECK(strcmp(red, t.access_token) != 0);
		}
	}
	lw_tokens_free(&t);
	return 0;
}
