/*
 * callback_server.c - the loopback listener for the login redirect (see callback_server.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "callback_server.h"
#include "oauth.h"
#include "util.h"

typedef struct redirect_parts
{
	int			family;			/* AF_INET / AF_INET6 */
	int			port;
	char		path[512];		/* without query */
} redirect_parts;

static int
parse_redirect(const char *uri, redirect_parts *r)
{
	const char *p = lw_skip_prefix_ci(uri, "http://");
	const char *rest;
	char	   *end;
	long		port;

	memset(r, 0, sizeof(*r));
	if (p == NULL)
		return -1;
	if ((rest = lw_skip_prefix_ci(p, "127.0.0.1:")))
		r->family = AF_INET;
	else if ((rest = lw_skip_prefix_ci(p, "[::1]:")))
		r->family = AF_INET6;
	else
		return -1;
	port = strtol(rest, &end, 10);
	if (end == rest || port < 1 || port > 65535)
		return -1;
	r->port = (int) port;
	if (*end == '\0' || *end == '?')
		strcpy(r->path, "/");
	else if (*end == '/')
	{
		size_t		n = strcspn(end, "?#");

		if (n >= sizeof(r->path))
			return -1;
		memcpy(r->path, end, n);
		r->path[n] = '\0';
	}
	else
		return -1;
	return 0;
}

int
lw_callback_listen(const char *redirect_uri, lw_error *err)
{
	redirect_parts r;
	int			fd;
	int			one = 1;
	int			rc;

	if (parse_redirect(redirect_uri, &r) < 0)
	{
		lw_error_set(err, LW_EXIT_USAGE,
					 "cannot listen for redirect URI %s: need http://127.0.0.1:PORT/path or "
					 "http://[::1]:PORT/path", redirect_uri);
		return -1;
	}
	fd = socket(r.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (r.family == AF_INET)
	{
		struct sockaddr_in a;

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t) r.port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		rc = bind(fd, (struct sockaddr *) &a, sizeof(a));
	}
	else
	{
		struct sockaddr_in6 a;

		memset(&a, 0, sizeof(a));
		a.sin6_family = AF_INET6;
		a.sin6_port = htons((uint16_t) r.port);
		a.sin6_addr = in6addr_loopback;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		rc = bind(fd, (struct sockaddr *) &a, sizeof(a));
	}
	if (rc < 0 || listen(fd, 8) < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE,
					 "cannot listen on port %d for the login callback: %s (is another program "
					 "using it? pick another port with --redirect-uri and register it)",
					 r.port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
send_all(int fd, const char *s, size_t n)
{
	while (n > 0)
	{
		ssize_t		w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0)
		{
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t) w;
	}
}

static void
send_page(int fd, int status, const char *title, const char *text)
{
	lw_buf		body = {0};
	lw_buf		msg = {0};

	lw_buf_printf(&body,
				  "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
				  "<body style=\"font-family:sans-serif\"><h1>%s</h1><p>%s</p></body></html>\n",
				  title, title, text);
	lw_buf_printf(&msg,
				  "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
				  "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n"
				  "Referrer-Policy: no-referrer\r\n\r\n%s",
				  status, status == 200 ? "OK" : (status == 404 ? "Not Found" : "Bad Request"),
				  body.len, body.data);
	send_all(fd, msg.data, msg.len);
	lw_buf_free(&body);
	lw_buf_free(&msg);
}

/*
 * Read one request head (up to LW_CALLBACK_MAX_HEAD bytes, until an empty line) from a fresh
 * connection into buf, NUL-terminated, with a deadline. Returns 0, or -1 when the connection
 * closed or the deadline passed first.
 */
static int
read_head(int cfd, double deadline, char buf[LW_CALLBACK_MAX_HEAD])
{
	size_t		len = 0;

	buf[0] = '\0';
	while (len < LW_CALLBACK_MAX_HEAD - 1)
	{
		struct pollfd pfd = {.fd = cfd,.events = POLLIN};
		int			ms = (int) ((deadline - lw_monotonic()) * 1000);
		ssize_t		n;

		if (ms <= 0 || poll(&pfd, 1, ms) <= 0)
			return -1;
		n = recv(cfd, buf + len, LW_CALLBACK_MAX_HEAD - 1 - len, 0);
		if (n <= 0)
			return -1;
		len += (size_t) n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			break;
	}
	return 0;
}

int
lw_callback_parse_request(const char *head, const char *path, char **query)
{
	/* the request line ends at the first CR or LF: a space in a later header is not its end */
	size_t		line = strcspn(head, "\r\n");
	const char *sp1;
	const char *sp2;
	size_t		plen = strlen(path);
	const char *target;
	size_t		tlen;

	*query = NULL;
	sp1 = memchr(head, ' ', line);
	if (sp1 == NULL || sp1 - head != 3 || strncmp(head, "GET", 3) != 0)
		return 0;
	target = sp1 + 1;
	sp2 = memchr(target, ' ', line - (size_t) (target - head));
	if (sp2 == NULL)
		return 0;
	tlen = (size_t) (sp2 - target);
	if (tlen < plen || strncmp(target, path, plen) != 0 || (tlen > plen && target[plen] != '?'))
		return 0;
	if (tlen == plen)
		*query = lw_strdup("");
	else
	{
		*query = lw_xmalloc(tlen - plen);
		memcpy(*query, target + plen + 1, tlen - plen - 1);
		(*query)[tlen - plen - 1] = '\0';
	}
	return 1;
}

int
lw_callback_wait(int fd, const char *redirect_uri, const char *expected_state, int timeout_s,
				 char **query, lw_error *err)
{
	redirect_parts r;
	double		deadline = lw_monotonic() + timeout_s;

	*query = NULL;
	if (parse_redirect(redirect_uri, &r) < 0)
	{
		lw_error_set(err, LW_EXIT_USAGE, "bad redirect URI %s", redirect_uri);
		return -1;
	}
	for (;;)
	{
		struct pollfd pfd = {.fd = fd,.events = POLLIN};
		int			ms = (int) ((deadline - lw_monotonic()) * 1000);
		int			cfd;
		char		head[LW_CALLBACK_MAX_HEAD];
		char	   *q = NULL;

		if (ms <= 0)
			break;
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		/* a browser may open idle speculative connections: give each a short deadline */
		if (read_head(cfd, lw_monotonic() + 5.0 < deadline ? lw_monotonic() + 5.0 : deadline,
					  head) == 0 &&
			lw_callback_parse_request(head, r.path, &q) == 1)
		{
			char	   *code = NULL;
			lw_error	perr;

			lw_error_clear(&perr);
			if (lw_oauth_parse_callback(q, expected_state, &code, &perr) == 0)
				send_page(cfd, 200, "lw-ingest: login received",
						  "You can close this tab and return to the terminal.");
			else
				send_page(cfd, 400, "lw-ingest: login failed",
						  "The authorization did not succeed; see the terminal for details.");
			free(code);
			*query = q;
			close(cfd);
			return 0;
		}
		send_page(cfd, 404, "Not found", "This address only receives the login callback.");
		close(cfd);
	}
	lw_error_set(err, LW_EXIT_FAILURE,
				 "no login callback arrived within %d s (use --timeout to wait longer)", timeout_s);
	return -1;
}

int
lw_callback_is_loopback(const char *redirect_uri)
{
	redirect_parts r;

	return parse_redirect(redirect_uri, &r) == 0;
}

int
lw_callback_deliver(const char *redirect_uri, const char *suffix, lw_error *err)
{
	redirect_parts r;
	int			fd;
	int			crc;
	lw_buf		msg = {0};

	if (parse_redirect(redirect_uri, &r) < 0)
	{
		lw_error_set(err, LW_EXIT_USAGE, "bad redirect URI %s", redirect_uri);
		return -1;
	}
	fd = socket(r.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "auto-follow: socket: %s", strerror(errno));
		return -1;
	}
	if (r.family == AF_INET)
	{
		struct sockaddr_in a = {.sin_family = AF_INET,.sin_port = htons((uint16_t) r.port)};

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		crc = connect(fd, (struct sockaddr *) &a, sizeof(a));
	}
	else
	{
		struct sockaddr_in6 a = {.sin6_family = AF_INET6,.sin6_port = htons((uint16_t) r.port)};

		a.sin6_addr = in6addr_loopback;
		crc = connect(fd, (struct sockaddr *) &a, sizeof(a));
	}
	if (crc != 0)
	{
		lw_error_set(err, LW_EXIT_FAILURE, "auto-follow: cannot reach own listener: %s",
					 strerror(errno));
		close(fd);
		return -1;
	}
	/* the listener's backlog completes the handshake; the small request fits the buffer */
	lw_buf_printf(&msg, "GET %s%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
				  r.path, suffix, "127.0.0.1");
	send_all(fd, msg.data, msg.len);
	/* the request carries the authorization code */
	memset(msg.data, 0, msg.len);
	lw_buf_free(&msg);
	return fd;
}
