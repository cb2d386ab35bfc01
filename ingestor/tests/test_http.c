/* Unit tests: http.c (Retry-After parsing, retries, 429 budget, size cap, no redirects, redaction). */
#include "lw_test.h"
#include "fake_server.h"
#include "http.h"
#include "log.h"

#include <curl/curl.h>

static long slept_total = 0;
static int	slept_count = 0;
static long slept[16];

static void
record_sleep(long ms)
{
	if (slept_count < 16)
		slept[slept_count] = ms;
	slept_count++;
	slept_total += ms;
}

static void
reset_sleeps(void)
{
	slept_total = 0;
	slept_count = 0;
	memset(slept, 0, sizeof(slept));
}

static lw_http *
new_http(int budget, long max_bytes)
{
	lw_http_opts o = {
		.connect_timeout = 5,.request_timeout = 10,.max_response_bytes = max_bytes,
		.backoff_ms = 1000,.max_attempts = 4,.pace_ms = 0,.budget_seconds = budget,
	};

	return lw_http_new(&o);
}

/* Serve replies, GET /x with a bearer token, return rc; resp filled. */
static int
run(char **replies, int n, int budget, long max_bytes, lw_http_response *resp, int *served,
	char **log_out)
{
	fake_server fs;
	lw_http    *h = new_http(budget, max_bytes);
	lw_http_request req = {0};
	char		url[128];
	int			rc;

	fake_listen(&fs);
	fake_serve(&fs, replies, n);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/x?code=SECRETCODE&limit=5", fs.port);
	req.url = url;
	req.bearer = "BQtopsecretaccess";
	req.handle_429 = 1;
	reset_sleeps();
	rc = lw_http_perform(h, &req, resp);
	if (log_out)
		*log_out = fake_log(&fs);
	*served = fake_stop(&fs);
	fake_free_replies(replies, n);
	lw_http_free(h);
	return rc;
}

LW_TEST(retry_after_parsing)
{
	time_t		now = curl_getdate("Wed, 21 Oct 2015 07:27:30 GMT", NULL);

	CHECK_INT(lw_parse_retry_after("5", now), 5);
	CHECK_INT(lw_parse_retry_after(" 17 \r\n", now), 17);
	CHECK_INT(lw_parse_retry_after("0", now), 1);
	CHECK_INT(lw_parse_retry_after(NULL, now), 1);
	CHECK_INT(lw_parse_retry_after("", now), 1);
	CHECK_INT(lw_parse_retry_after("soon", now), 1);
	CHECK_INT(lw_parse_retry_after("-3", now), 1);
	CHECK_INT(lw_parse_retry_after("1.5", now), 1);
	CHECK_INT(lw_parse_retry_after("86400", now), 86400);
	/* huge values (even past long) are capped at 7 days */
	CHECK_INT(lw_parse_retry_after("99999999999999999999999", now), 7 * 86400);
	CHECK_INT(lw_parse_retry_after("700000", now), 7 * 86400);
	/* HTTP-date: 30 s after now; in the past → 1 */
	CHECK_INT(lw_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), 30);
	CHECK_INT(lw_parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), 1);
}

LW_TEST(retries_5xx_then_ok)
{
	char	   *r[] = {
		fake_reply("503 Service Unavailable", "", "{\"error\":{\"status\":503}}"),
		fake_reply("502 Bad Gateway", "", ""),
		fake_reply("200 OK", "Content-Type: application/json\r\n", "{\"ok\":true}"),
	};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 3, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(resp.attempts, 3);
	CHECK_INT(served, 3);
	CHECK_STR(resp.body, "{\"ok\":true}");
	/* backoff 1000 ms then 2000 ms, each plus up to 25 % jitter */
	CHECK_INT(slept_count, 2);
	CHECK(slept[0] >= 1000 && slept[0] <= 1250);
	CHECK(slept[1] >= 2000 && slept[1] <= 2500);
	lw_http_response_free(&resp);
}

LW_TEST(retries_give_up)
{
	char	   *r[4];
	lw_http_response resp;
	int			served;
	int			rc;

	for (int i = 0; i < 4; i++)
		r[i] = fake_reply("500 Internal Server Error", "", "{}");
	rc = run(r, 4, 120, 1 << 20, &resp, &served, NULL);
	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 500);
	CHECK_INT(resp.attempts, 4);
	CHECK_INT(served, 4);
	CHECK_INT(slept_count, 3);
	CHECK(slept[2] >= 4000 && slept[2] <= 5000);
	lw_http_response_free(&resp);
}

LW_TEST(no_retry_on_4xx)
{
	char	   *r[] = {fake_reply("404 Not Found", "", "{}")};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 1, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 404);
	CHECK_INT(resp.attempts, 1);
	CHECK_INT(slept_count, 0);
	lw_http_response_free(&resp);
}

LW_TEST(wait_429_retry_after)
{
	char	   *r[] = {
		fake_reply("429 Too Many Requests", "Retry-After: 2\r\n", ""),
		fake_reply("429 Too Many Requests", "retry-after: 3\r\n",
				   "{\"error\":{\"status\":429,\"message\":\"API rate limit exceeded\"}}"),
		fake_reply("429 Too Many Requests", "", ""),	/* missing header: 1 s */
		fake_reply("429 Too Many Requests", "RETRY-AFTER: 0\r\n", ""),	/* 0: 1 s */
		fake_reply("200 OK", "", "{}"),
	};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 5, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(served, 5);
	CHECK_INT(slept_count, 4);
	/* never less than asked, at most 250 ms of jitter more */
	CHECK(slept[0] >= 2000 && slept[0] < 2250);
	CHECK(slept[1] >= 3000 && slept[1] < 3250);
	CHECK(slept[2] >= 1000 && slept[2] < 1250);
	CHECK(slept[3] >= 1000 && slept[3] < 1250);
	CHECK_INT(resp.rate_limited, 0);
	lw_http_response_free(&resp);
}

LW_TEST(waits_429_do_not_use_up_retries)
{
	/* three 429 waits, then three 5xx: the 4-attempt retry limit still allows the 200 */
	char	   *r[] = {
		fake_reply("429 Too Many Requests", "Retry-After: 1\r\n", ""),
		fake_reply("429 Too Many Requests", "Retry-After: 1\r\n", ""),
		fake_reply("429 Too Many Requests", "Retry-After: 1\r\n", ""),
		fake_reply("503 Service Unavailable", "", ""),
		fake_reply("502 Bad Gateway", "", ""),
		fake_reply("504 Gateway Timeout", "", ""),
		fake_reply("200 OK", "", "{}"),
	};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 7, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(resp.attempts, 7);
	CHECK_INT(served, 7);
	lw_http_response_free(&resp);
}

LW_TEST(rate_limited_past_budget)
{
	char	   *r[] = {fake_reply("429 Too Many Requests", "Retry-After: 86400\r\n", "")};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 1, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 429);
	CHECK_INT(resp.rate_limited, 1);
	CHECK_INT(resp.quota_exceeded, 0);
	CHECK_INT(resp.retry_after, 86400);
	CHECK_INT(slept_count, 0);	/* returns at once, no sleep */
	lw_http_response_free(&resp);
}

LW_TEST(budget_is_cumulative)
{
	/* budget 5 s: a 3 s wait fits, the next 3 s does not */
	char	   *r[] = {
		fake_reply("429 Too Many Requests", "Retry-After: 3\r\n", ""),
		fake_reply("429 Too Many Requests", "Retry-After: 3\r\n", ""),
	};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 2, 5, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.rate_limited, 1);
	CHECK_INT(slept_count, 1);
	CHECK_INT(served, 2);
	lw_http_response_free(&resp);
}

LW_TEST(quota_exceeded)
{
	char	   *r[] = {fake_reply("429 Too Many Requests", "Retry-After: 1\r\n",
								  "{\"error\":{\"status\":429,\"message\":\"quota\","
								  "\"reason\":\"QUOTA_EXCEEDED\"}}")};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 1, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.rate_limited, 1);
	CHECK_INT(resp.quota_exceeded, 1);
	CHECK_INT(slept_count, 0);
	lw_http_response_free(&resp);
}

LW_TEST(size_cap)
{
	char		big[5001];
	char	   *r[1];
	lw_http_response resp;
	int			served;
	int			rc;

	memset(big, 'a', 5000);
	big[5000] = '\0';
	r[0] = fake_reply("200 OK", "", big);
	rc = run(r, 1, 120, 1000, &resp, &served, NULL);
	CHECK_INT(rc, -1);
	CHECK(strstr(resp.error, "larger than 1000 bytes") != NULL);
	CHECK_INT(resp.attempts, 1);	/* not retried */
	lw_http_response_free(&resp);
}

LW_TEST(no_redirects)
{
	char	   *r[] = {
		fake_reply("302 Found", "Location: http://127.0.0.1:1/elsewhere\r\n", ""),
	};
	lw_http_response resp;
	int			served;
	int			rc = run(r, 1, 120, 1 << 20, &resp, &served, NULL);

	CHECK_INT(rc, 0);
	CHECK_INT(resp.status, 302);
	CHECK_STR(resp.location, "http://127.0.0.1:1/elsewhere");
	CHECK_INT(served, 1);
	lw_http_response_free(&resp);
}

LW_TEST(transport_error_retried)
{
	fake_server fs;
	lw_http    *h = new_http(120, 1 << 20);
	lw_http_request req = {0};
	lw_http_response resp;
	char		url[64];
	int			rc;

	/* a port that was just free: connection refused */
	fake_listen(&fs);
	close(fs.lfd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/x", fs.port);
	req.url = url;
	reset_sleeps();
	rc = lw_http_perform(h, &req, &resp);
	CHECK_INT(rc, -1);
	CHECK_INT(resp.status, 0);
	CHECK_INT(resp.attempts, 4);
	CHECK_INT(slept_count, 3);
	CHECK(resp.error[0] != '\0');
	lw_http_response_free(&resp);
	lw_http_free(h);
}

LW_TEST(verbose_lines_are_redacted)
{
	char	   *r[] = {fake_reply("200 OK", "", "{}")};
	lw_http_response resp;
	int			served;
	char	   *log = NULL;
	char		captured[4096] = "";
	FILE	   *mem = fmemopen(captured, sizeof(captured) - 1, "w");

	lw_log_init(1);
	lw_log_set_stream(mem);
	lw_log_add_secret("BQtopsecretaccess");
	run(r, 1, 120, 1 << 20, &resp, &served, &log);
	fclose(mem);
	lw_log_set_stream(NULL);
	lw_log_init(0);
	/* the request really carried the token ... */
	CHECK(strstr(log, "Authorization: Bearer BQtopsecretaccess") != NULL);
	/* ... but the debug line shows neither it nor the code in the query */
	CHECK(strstr(captured, "debug: GET http://127.0.0.1:") != NULL);
	CHECK(strstr(captured, "-> 200") != NULL);
	CHECK(strstr(captured, "limit=5") != NULL);
	CHECK(strstr(captured, "BQtopsecretaccess") == NULL);
	CHECK(strstr(captured, "SECRETCODE") == NULL);
	CHECK(strstr(captured, "code=[REDACTED]") != NULL);
	free(log);
	lw_http_response_free(&resp);
}

int
main(void)
{
	lw_http_set_sleep_hook(record_sleep);
	LW_RUN(retry_after_parsing);
	LW_RUN(retries_5xx_then_ok);
	LW_RUN(retries_give_up);
	LW_RUN(no_retry_on_4xx);
	LW_RUN(wait_429_retry_after);
	LW_RUN(waits_429_do_not_use_up_retries);
	LW_RUN(rate_limited_past_budget);
	LW_RUN(budget_is_cumulative);
	LW_RUN(quota_exceeded);
	LW_RUN(size_cap);
	LW_RUN(no_redirects);
	LW_RUN(transport_error_retried);
	LW_RUN(verbose_lines_are_redacted);
	LW_TEST_END();
}
