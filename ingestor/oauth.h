/*
 * oauth.h - Spotify accounts service: PKCE, the authorize URL, the callback's query, the
 * authorization-code / refresh-token / client-credentials grants, keeping the token file fresh
 * under its lock, and the interactive login (which listens with callback_server.h).
 */
#ifndef LW_OAUTH_H
#define LW_OAUTH_H

#include "config.h"
#include "exitcodes.h"
#include "http.h"
#include "tokenfile.h"

#define LW_PKCE_VERIFIER_MAX 128

typedef struct lw_pkce
{
	char		verifier[LW_PKCE_VERIFIER_MAX + 1];
	char		challenge[44];	/* 43 chars + NUL */
} lw_pkce;

/* New random verifier of len chars (43..128) from [A-Za-z0-9-._~] and its S256 challenge. */
int			lw_pkce_generate(lw_pkce *p, int len);

/* challenge = base64url(SHA-256(verifier)) without padding (43 chars). */
void		lw_pkce_challenge(const char *verifier, char out[44]);

/* Random URL-safe state value (43 chars + NUL). */
int			lw_oauth_new_state(char out[44]);

/* The /authorize URL (malloc'd). challenge may be NULL (no PKCE). */
char	   *lw_oauth_authorize_url(const lw_config *cfg, const char *state, const char *challenge);

/*
 * Parse the callback's query string. Returns 0 with *code (malloc'd) on success, -1 with err set:
 * state missing/mismatch (no exchange must follow), error=access_denied, missing code.
 */
int			lw_oauth_parse_callback(const char *query, const char *expected_state,
									char **code, lw_error *err);

/*
 * Parse an answer of the token endpoint (what token_request does after the POST; exposed for the
 * fuzz target). 200 with an access_token: returns 0 with *out filled (tokens registered as
 * secrets, obtained_at = now, expires_at = now + expires_in, 3600 when missing or over a year).
 * Otherwise -1 with err set: LW_EXIT_NEEDS_LOGIN (invalid_grant), LW_EXIT_USAGE (invalid_client,
 * other 4xx errors), LW_EXIT_PARTIAL (rate_limited), LW_EXIT_FAILURE. what names the grant.
 */
int			lw_oauth_parse_token_response(long status, const char *body, size_t len,
										  int rate_limited, long retry_after, const char *what,
										  int64_t now, lw_tokens *out, lw_error *err);

/* Grants. On success fill *out (access_token, refresh_token if any, expires_at, scope). */
int			lw_oauth_exchange_code(lw_http *h, const lw_config *cfg, const char *code,
								   const char *verifier, lw_tokens *out, lw_error *err);
int			lw_oauth_refresh(lw_http *h, const lw_config *cfg, const char *refresh_token,
							 lw_tokens *out, lw_error *err);
int			lw_oauth_client_credentials(lw_http *h, const lw_config *cfg, lw_tokens *out,
										lw_error *err);

/*
 * Whole interactive login: PKCE, print the authorize URL (and xdg-open / auto-follow if asked),
 * wait for the callback, exchange, save the token file. Returns an exit code.
 */
int			lw_oauth_login(const lw_config *cfg);

/*
 * Make *cur hold a usable user access token. Takes the token-file lock, re-reads the file (another
 * process may have refreshed already), and refreshes when fewer than 60 s remain or when force is
 * set and the file still holds the access token *cur had (i.e. nobody else refreshed since the 401).
 * With SPOTIFY_REFRESH_TOKEN set the file is not read. The new tokens are saved before returning.
 * Returns 0 or -1 with err set (LW_EXIT_NEEDS_LOGIN for invalid_grant / no token).
 */
int			lw_oauth_ensure_fresh(lw_http *h, const lw_config *cfg, lw_tokens *cur, int force,
								  lw_error *err);

/* Whether the space-separated scope list granted contains want (a whole word). */
int			lw_oauth_has_scope(const char *granted, const char *want);

#endif							/* LW_OAUTH_H */
