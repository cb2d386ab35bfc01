/*
 * fuzz_callback.c - the login listener's request-line reader (lw_callback_parse_request in
 * ingestor/callback_server.c): what any local program may send to the loopback port while
 * lw-ingest login waits.
 *
 * Input: byte 0 picks the redirect URI's path, the rest is the request head (cut at the
 * listener's LW_CALLBACK_MAX_HEAD - 1 bytes and at the first NUL, as the listener reads it).
 * Properties beyond the sanitizers: a request is accepted only when its first line starts
 * with "GET <path>", followed by a space or by '?' and the query; the query returned is exactly
 * the text between that '?' and the next space, and holds no space, CR or LF; a request that is
 * refused returns no query.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callback_server.h"
#define FUZZ_QUIET_LOGS
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"/callback", "/", "/a/b", "/cb"};
	const char *path;
	char	   *head;
	size_t		n;
	char	   *query = (char *) "unset";
	int			rc;

	if (size < 1)
		return 0;
	path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
	n = size - 1 < LW_CALLBACK_MAX_HEAD - 1 ? size - 1 : LW_CALLBACK_MAX_HEAD - 1;
	head = malloc(n + 1);
	CHECK(head != NULL);
	memcpy(head, data + 1, n);
	head[n] = '\0';
	rc = lw_callback_parse_request(head, path, &query);
	CHECK(rc == 0 || rc == 1);
	if (rc == 0)
		CHECK(query == NULL);
	else
	{
		size_t		plen = strlen(path);
		const char *after = head + 4 + plen;

		CHECK(query != NULL);
		CHECK(strncmp(head, "GET ", 4) == 0 && strncmp(head + 4, path, plen) == 0);
		CHECK(strpbrk(query, " \r\n") == NULL);
		if (*after == ' ')
			CHECK(query[0] == '\0');
		else
		{
			CHECK(*after == '?');
			CHECK(strncmp(after + 1, query, strlen(query)) == 0);
			CHECK(after[1 + strlen(query)] == ' ');
		}
		free(query);
	}
	free(head);
	return 0;
}
