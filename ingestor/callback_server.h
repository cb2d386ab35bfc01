/*
 * callback_server.h - the loopback HTTP listener that receives the login redirect
 * (http://127.0.0.1:PORT/path or http://[::1]:PORT/path), and its client side for
 * `login --auto-follow`.
 *
 * It serves one purpose: accept connections until one is a GET of the redirect URI's path, answer
 * it with a small HTML page and hand its query string to the caller. Everything else gets 404.
 */
#ifndef LW_CALLBACK_SERVER_H
#define LW_CALLBACK_SERVER_H

#include "exitcodes.h"

/* Longest request head read from one connection (bytes). */
#define LW_CALLBACK_MAX_HEAD 8192

/* Whether uri is a loopback redirect URI this listener can serve. */
int			lw_callback_is_loopback(const char *redirect_uri);

/*
 * Binds 127.0.0.1 or [::1] at the redirect URI's port. Returns a listening fd, or -1 with err
 * set (LW_EXIT_USAGE: not a loopback URI; LW_EXIT_FAILURE: the port cannot be used).
 */
int			lw_callback_listen(const char *redirect_uri, lw_error *err);

/*
 * Accepts connections on fd until one asks for the URI's path (others get 404), answers it with
 * a small HTML page saying whether login worked (judged by lw_oauth_parse_callback against
 * expected_state), and returns 0 with its query string (malloc'd, "" if none) in *query;
 * -1 on timeout.
 */
int			lw_callback_wait(int fd, const char *redirect_uri, const char *expected_state,
							 int timeout_s, char **query, lw_error *err);

/*
 * The request-line reader (pure; fuzzed by test/fuzz/fuzz_callback.c). head is what a client
 * sent (NUL-terminated, at most LW_CALLBACK_MAX_HEAD bytes are looked at); path the redirect
 * URI's path. Only the first line counts: "METHOD SP target SP version". Returns 1 when it is a
 * GET of path (exactly, or followed by '?') with *query set to what follows the '?' (malloc'd,
 * "" if nothing); 0 for anything else (*query NULL).
 */
int			lw_callback_parse_request(const char *head, const char *path, char **query);

/*
 * Client side (login --auto-follow): connect to our own listener for redirect_uri and send
 * "GET <path><suffix>", suffix being "" or "?query" taken from the authorize redirect. Returns
 * the connected fd (the caller closes it after lw_callback_wait) or -1 with err set.
 */
int			lw_callback_deliver(const char *redirect_uri, const char *suffix, lw_error *err);

#endif							/* LW_CALLBACK_SERVER_H */
