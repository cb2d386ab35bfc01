/* Unit tests: util.c (base64/base64url, SHA-256, URL/form encoding, query parsing). */
#include "lw_test.h"
#include "util.h"

#include <stdlib.h>

static void
b64url(const char *in, char *out)
{
	lw_base64url_encode((const unsigned char *) in, strlen(in), out);
}

LW_TEST(base64url_rfc4648)
{
	/* RFC 4648 section 10 vectors, unpadded and in the URL-safe alphabet */
	char		out[64];

	b64url("", out);
	CHECK_STR(out, "");
	b64url("f", out);
	CHECK_STR(out, "Zg");
	b64url("fo", out);
	CHECK_STR(out, "Zm8");
	b64url("foo", out);
	CHECK_STR(out, "Zm9v");
	b64url("foob", out);
	CHECK_STR(out, "Zm9vYg");
	b64url("fooba", out);
	CHECK_STR(out, "Zm9vYmE");
	b64url("foobar", out);
	CHECK_STR(out, "Zm9vYmFy");
	{
		/* bytes that map to '+' and '/' in standard base64 must become '-' and '_' */
		const unsigned char b[] = {0xfb, 0xff, 0xbf};

		lw_base64url_encode(b, sizeof(b), out);
		CHECK_STR(out, "-_-_");
		lw_base64_encode(b, sizeof(b), out);
		CHECK_STR(out, "+/+/");
	}
	lw_base64_encode((const unsigned char *) "fo", 2, out);
	CHECK_STR(out, "Zm8=");
	lw_base64_encode((const unsigned char *) "f", 1, out);
	CHECK_STR(out, "Zg==");
}

LW_TEST(sha256_vectors)
{
	/* FIPS 180-2 "abc" and the empty string */
	unsigned char d[32];
	char		hex[65];

	lw_sha256("abc", 3, d);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	lw_sha256("", 0, d);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

LW_TEST(url_encoding)
{
	char	   *e = lw_url_encode("a b&c=d/é~-._");
	char	   *d;

	CHECK_STR(e, "a%20b%26c%3Dd%2F%C3%A9~-._");
	d = lw_url_decode(e, 0);
	CHECK_STR(d, "a b&c=d/é~-._");
	free(e);
	free(d);

	/* every byte 1..255 survives a round trip */
	{
		char		all[256];

		for (int i = 1; i < 256; i++)
			all[i - 1] = (char) i;
		all[255] = '\0';
		int			only_safe = 1;

		e = lw_url_encode(all);
		for (const char *p = e; *p; p++)
			if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%", *p))
				only_safe = 0;
		CHECK(only_safe);
		d = lw_url_decode(e, 0);
		CHECK(d != NULL && strcmp(d, all) == 0);
		free(e);
		free(d);
	}

	d = lw_url_decode("a+b%2Bc", 1);
	CHECK_STR(d, "a b+c");
	free(d);
	d = lw_url_decode("a+b", 0);
	CHECK_STR(d, "a+b");
	free(d);
	CHECK(lw_url_decode("bad%", 0) == NULL);
	CHECK(lw_url_decode("bad%4", 0) == NULL);
	CHECK(lw_url_decode("bad%zz", 0) == NULL);
	CHECK(lw_url_decode("nul%00byte", 0) == NULL);
}

LW_TEST(form_and_query)
{
	lw_buf		b = {0};
	char	   *v;
	int			n;

	lw_form_add(&b, "grant_type", "authorization_code");
	lw_form_add(&b, "redirect_uri", "http://127.0.0.1:8888/callback");
	lw_form_add(&b, "scope", "a b");
	CHECK_STR(b.data,
			  "grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8888%2Fcallback"
			  "&scope=a%20b");
	v = lw_query_get(b.data, "redirect_uri", &n);
	CHECK_STR(v, "http://127.0.0.1:8888/callback");
	CHECK_INT(n, 1);
	free(v);
	v = lw_query_get(b.data, "scope", NULL);
	CHECK_STR(v, "a b");
	free(v);
	CHECK(lw_query_get(b.data, "code", &n) == NULL);
	CHECK_INT(n, 0);
	lw_buf_free(&b);

	v = lw_query_get("code=1&state=x&code=2", "code", &n);
	CHECK_STR(v, "1");
	CHECK_INT(n, 2);
	free(v);
	v = lw_query_get("flag&x=1", "flag", &n);
	CHECK_STR(v, "");
	free(v);
	v = lw_query_get("a=b+c%21", "a", NULL);
	CHECK_STR(v, "b c!");
	free(v);
	v = lw_query_get("", "a", &n);
	CHECK(v == NULL && n == 0);
}

LW_TEST(buf_and_misc)
{
	lw_buf		b = {0};

	for (int i = 0; i < 1000; i++)
		lw_buf_printf(&b, "%d,", i);
	CHECK(b.len == strlen(b.data));
	CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
	CHECK(strstr(b.data, "999,") != NULL);
	lw_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0);
	CHECK_STR(lw_skip_prefix_ci("HTTPS://x", "https://"), "x");
	CHECK(lw_skip_prefix_ci("http://x", "https://") == NULL);
	{
		unsigned char r1[16],
					r2[16];

		CHECK(lw_random_bytes(r1, sizeof(r1)) == 0);
		CHECK(lw_random_bytes(r2, sizeof(r2)) == 0);
		CHECK(memcmp(r1, r2, sizeof(r1)) != 0);
	}
}

int
main(void)
{
	LW_RUN(base64url_rfc4648);
	LW_RUN(sha256_vectors);
	LW_RUN(url_encoding);
	LW_RUN(form_and_query);
	LW_RUN(buf_and_misc);
	LW_TEST_END();
}
