/* Unit tests: callback_server.c (the login redirect's loopback listener and its request reader). */
#include "lw_test.h"
#include "fake_server.h"
#include "callback_server.h"
#include "util.h"

#include <sys/stat.h>
#include <sys/wait.h>

static char dir[64];

LW_TEST(parse_request)
{
	/* accepted: head, redirect path, the query handed back */
	static const char *const ok[][3] = {
		{"GET /callback?code=AQ&state=S HTTP/1.1\r\nHost: x\r\n\r\n", "/callback", "code=AQ&state=S"},
		{"GET /callback HTTP/1.1\r\n\r\n", "/callback", ""},
		{"GET /callback? HTTP/1.0\n\n", "/callback", ""},
		{"GET /?code=1 HTTP/1.1\r\n\r\n", "/", "code=1"},	/* a redirect URI without a path */
	};
	char	   *q = (char *) "unset";

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
	{
		CHECK_INT(lw_callback_parse_request(ok[i][0], ok[i][1], &q), 1);
		CHECK_STR(q, ok[i][2]);
		free(q);
	}

	/* other paths, methods and shapes: 404, no query */
	CHECK_INT(lw_callback_parse_request("GET /favicon.ico HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK(q == NULL);
	CHECK_INT(lw_callback_parse_request("GET /callbackX?code=1 HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("GET /call HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("POST /callback?code=1 HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("GETX /callback HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("get /callback HTTP/1.1\r\n\r\n", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("GET", "/callback", &q), 0);
	CHECK_INT(lw_callback_parse_request("GET /callback", "/callback", &q), 0);
	CHECK(q == NULL);

	/* the request line ends at the line break: a space in a header does not extend the target */
	CHECK_INT(lw_callback_parse_request("GET /callback?code=1\r\nHost: a b\r\n\r\n", "/callback",
										&q), 0);
	CHECK(q == NULL);
	CHECK_INT(lw_callback_parse_request("GET /callback?code=1\nX: a b\n\n", "/callback", &q), 0);
	CHECK(q == NULL);
}

LW_TEST(is_loopback)
{
	CHECK(lw_callback_is_loopback("http://127.0.0.1:8888/callback"));
	CHECK(lw_callback_is_loopback("http://[::1]:8888/callback"));
	CHECK(lw_callback_is_loopback("HTTP://127.0.0.1:1/"));
	CHECK(!lw_callback_is_loopback("https://example.com/callback"));
	CHECK(!lw_callback_is_loopback("http://localhost:8888/callback"));
	CHECK(!lw_callback_is_loopback("http://127.0.0.1/callback"));
	CHECK(!lw_callback_is_loopback("http://127.0.0.1:0/callback"));
	CHECK(!lw_callback_is_loopback("http://127.0.0.1:65536/callback"));
}

/* What the browser child wrote ("" if nothing). */
static void
read_all(const char *path, char *buf, size_t size)
{
	FILE	   *f = fopen(path, "r");
	size_t		n = f ? fread(buf, 1, size - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Child: play the browser against the listener: a stray request, then the real callback. */
static pid_t
browser(int port, const char *target, const char *out_path)
{
	pid_t		pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
	{
		const char *targets[] = {"/favicon.ico", target};
		FILE	   *out = fopen(out_path, "w");

		for (int i = 0; i < 2; i++)
		{
			struct sockaddr_in a = {.sin_family = AF_INET,.sin_port = htons((uint16_t) port)};
			int			fd = socket(AF_INET, SOCK_STREAM, 0);
			char		req[512];
			char		buf[4096];
			ssize_t		n;

			a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			for (int k = 0; k < 100 && connect(fd, (struct sockaddr *) &a, sizeof(a)) < 0; k++)
			{
				usleep(20000);
				close(fd);
				fd = socket(AF_INET, SOCK_STREAM, 0);
			}
			snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", targets[i]);
			fake_send(fd, req, strlen(req));
			while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0)
			{
				buf[n] = '\0';
				fputs(buf, out);
			}
			fputs("\n=== END\n", out);
			close(fd);
		}
		fclose(out);
		_exit(0);
	}
	return pid;
}

LW_TEST(callback_listener)
{
	fake_server probe;
	char		uri[128];
	char		outp[300];
	lw_error	e;
	int			fd;
	char	   *query = NULL;
	pid_t		pid;
	int			st;

	/* find a free port */
	fake_listen(&probe);
	close(probe.lfd);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/callback", probe.port);
	snprintf(outp, sizeof(outp), "%s/browser.txt", dir);
	lw_error_clear(&e);
	fd = lw_callback_listen(uri, &e);
	CHECK(fd >= 0);
	pid = browser(probe.port, "/callback?code=AQxyz&state=ST8", outp);
	CHECK_INT(lw_callback_wait(fd, uri, "ST8", 10, &query, &e), 0);
	CHECK_STR(query, "code=AQxyz&state=ST8");
	free(query);
	waitpid(pid, &st, 0);
	{
		char		all[16384];

		read_all(outp, all, sizeof(all));
		CHECK(strncmp(all, "HTTP/1.1 404", 12) == 0);
		CHECK(strstr(all, "=== END\nHTTP/1.1 200 OK") != NULL);
		CHECK(strstr(all, "text/html") != NULL);
		CHECK(strstr(all, "login received") != NULL);
	}

	/* wrong state: the browser is told it failed, the query is still returned for the caller */
	pid = browser(probe.port, "/callback?code=AQxyz&state=WRONG", outp);
	CHECK_INT(lw_callback_wait(fd, uri, "ST8", 10, &query, &e), 0);
	free(query);
	waitpid(pid, &st, 0);
	{
		char		all[16384];

		read_all(outp, all, sizeof(all));
		CHECK(strstr(all, "=== END\nHTTP/1.1 400") != NULL);
		CHECK(strstr(all, "login failed") != NULL);
	}

	/* nobody comes: timeout */
	CHECK_INT(lw_callback_wait(fd, uri, "ST8", 1, &query, &e), -1);
	CHECK(query == NULL);
	CHECK(strstr(e.message, "no login callback") != NULL);
	close(fd);

	/* port in use */
	fd = lw_callback_listen(uri, &e);
	CHECK(fd >= 0);
	CHECK_INT(lw_callback_listen(uri, &e), -1);
	CHECK(strstr(e.message, "cannot listen") != NULL);
	close(fd);
}

/* --auto-follow's client side: the listener receives exactly the request it was handed. */
LW_TEST(deliver_to_own_listener)
{
	fake_server probe;
	char		uri[128];
	lw_error	e;
	int			fd,
				cfd;
	char	   *query = NULL;
	char		answer[256];
	ssize_t		n;

	fake_listen(&probe);
	close(probe.lfd);
	snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/cb", probe.port);
	lw_error_clear(&e);
	CHECK_INT(lw_callback_deliver(uri, "?code=1&state=S", &e), -1);	/* nobody listens yet */
	CHECK(strstr(e.message, "cannot reach own listener") != NULL);
	fd = lw_callback_listen(uri, &e);
	CHECK(fd >= 0);
	cfd = lw_callback_deliver(uri, "?code=AQ9&state=S", &e);
	CHECK(cfd >= 0);
	CHECK_INT(lw_callback_wait(fd, uri, "S", 10, &query, &e), 0);
	CHECK_STR(query, "code=AQ9&state=S");
	free(query);
	n = recv(cfd, answer, sizeof(answer) - 1, 0);
	answer[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(answer, "HTTP/1.1 200 OK", 15) == 0);
	close(cfd);
	close(fd);
	CHECK_INT(lw_callback_deliver("https://example.com/cb", "", &e), -1);
	CHECK_INT(e.exit_code, LW_EXIT_USAGE);
}

int
main(void)
{
	if (lw_test_mkdtemp(dir, sizeof(dir), "cbtest") < 0)
		return 2;
	LW_RUN(parse_request);
	LW_RUN(is_loopback);
	LW_RUN(callback_listener);
	LW_RUN(deliver_to_own_listener);
	lw_test_rmdir(dir);
	LW_TEST_END();
}
