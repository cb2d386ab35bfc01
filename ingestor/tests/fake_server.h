/*
 * fake_server.h - a scripted loopback HTTP server for unit tests of http.c / oauth.c / api.c.
 *
 * fake_listen() binds 127.0.0.1 on an ephemeral port (fs->port); fake_serve() then forks a child
 * that, for each scripted reply in order, accepts one connection, reads one request (head + Content-Length body), appends it to
 * a log file as "=== REQUEST\n<raw request>\n", sends the reply and closes the connection. A reply
 * is raw HTTP text (fake_reply() builds one). fake_stop() waits for the child (or
 * kills it if replies were left unused) and returns how many requests it served. The helpers are
 * static inline so that a test may use only some of them.
 */
#ifndef LW_FAKE_SERVER_H
#define LW_FAKE_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fake_server
{
	pid_t		pid;
	int			port;
	int			lfd;
	char		log_path[256];
} fake_server;

static inline void
fake_send(int fd, const char *s, size_t n)
{
	while (n > 0)
	{
		ssize_t		w = send(fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t) w;
	}
}

/* Read one request; returns bytes read into buf (NUL-terminated). */
static inline size_t
fake_read_request(int fd, char *buf, size_t cap)
{
	size_t		len = 0;
	size_t		need = 0;

	while (len + 1 < cap)
	{
		struct pollfd p = {.fd = fd,.events = POLLIN};
		ssize_t		n;
		char	   *eoh;

		if (poll(&p, 1, 5000) <= 0)
			break;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			break;
		len += (size_t) n;
		buf[len] = '\0';
		eoh = strstr(buf, "\r\n\r\n");
		if (eoh && need == 0)
		{
			const char *cl = strcasestr(buf, "\r\ncontent-length:");
			size_t		body = cl ? (size_t) strtoul(cl + 17, NULL, 10) : 0;

			need = (size_t) (eoh + 4 - buf) + body;
		}
		if (need && len >= need)
			break;
	}
	buf[len] = '\0';
	return len;
}

/* Bind the listener (fs->port is known afterwards). */
static inline int
fake_listen(fake_server *fs)
{
	struct sockaddr_in a;
	socklen_t	alen = sizeof(a);
	int			lfd = socket(AF_INET, SOCK_STREAM, 0);
	int			one = 1;

	memset(fs, 0, sizeof(*fs));
	snprintf(fs->log_path, sizeof(fs->log_path), "/tmp/lw-fake-%d-%ld.log", (int) getpid(),
			 (long) random());
	unlink(fs->log_path);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *) &a, sizeof(a)) < 0 || listen(lfd, 16) < 0 ||
		getsockname(lfd, (struct sockaddr *) &a, &alen) < 0)
		return -1;
	fs->port = ntohs(a.sin_port);
	fs->lfd = lfd;
	return 0;
}

/* Serve the replies (raw HTTP texts) in a child process, one connection each. */
static inline int
fake_serve(fake_server *fs, char *const *replies, int nreplies)
{
	int			lfd = fs->lfd;

	fflush(stdout);
	fs->pid = fork();
	if (fs->pid < 0)
		return -1;
	if (fs->pid == 0)
	{
		for (int i = 0; i < nreplies; i++)
		{
			static char req[1 << 20];
			const char *r = replies[i];
			int			cfd = accept(lfd, NULL, NULL);
			size_t		n;
			FILE	   *log;

			if (cfd < 0)
				_exit(2);
			n = fake_read_request(cfd, req, sizeof(req));
			log = fopen(fs->log_path, "a");
			if (log)
			{
				fprintf(log, "=== REQUEST\n%.*s\n", (int) n, req);
				fclose(log);
			}
			fake_send(cfd, r, strlen(r));
			shutdown(cfd, SHUT_WR);
			/* drain until the client closes, so it sees the whole reply */
			{
				char		sink[512];
				struct pollfd p = {.fd = cfd,.events = POLLIN};

				while (poll(&p, 1, 2000) > 0 && recv(cfd, sink, sizeof(sink), 0) > 0)
					;
			}
			close(cfd);
		}
		_exit(0);
	}
	close(lfd);
	return 0;
}

/* The request log so far (malloc'd, "" if none). */
static inline char *
fake_log(const fake_server *fs)
{
	FILE	   *f = fopen(fs->log_path, "r");
	char	   *s;
	long		n;

	if (f == NULL)
	{
		s = malloc(1);
		s[0] = '\0';
		return s;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t) n + 1);
	n = (long) fread(s, 1, (size_t) n, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static inline int
fake_count(const char *hay, const char *needle)
{
	int			c = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		c++;
	return c;
}

/* Stop the server; returns the number of requests it logged. */
static inline int
fake_stop(fake_server *fs)
{
	int			st;
	char	   *log;
	int			n;

	for (int i = 0; i < 50; i++)
	{
		if (waitpid(fs->pid, &st, WNOHANG) == fs->pid)
			goto done;
		usleep(20000);
	}
	kill(fs->pid, SIGKILL);
	waitpid(fs->pid, &st, 0);
done:
	log = fake_log(fs);
	n = fake_count(log, "=== REQUEST");
	free(log);
	unlink(fs->log_path);
	return n;
}

/* A complete HTTP/1.1 reply (malloc'd) with Content-Length; extra_headers end in "\r\n". */
static inline char *
fake_reply(const char *status, const char *extra_headers, const char *body)
{
	size_t		n = strlen(status) + strlen(extra_headers) + strlen(body) + 200;
	char	   *s = malloc(n);

	snprintf(s, n, "HTTP/1.1 %s\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n%s",
			 status, extra_headers, strlen(body), body);
	return s;
}

static inline void
fake_free_replies(char **replies, int n)
{
	for (int i = 0; i < n; i++)
		free(replies[i]);
}

#endif							/* LW_FAKE_SERVER_H */
