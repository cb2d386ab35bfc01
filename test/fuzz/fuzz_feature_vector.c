/*
 * fuzz_feature_vector.c - the feature_vector text parser (extension/fv_parse.c).
 *
 * Properties checked on every input, beyond the sanitizers:
 *  - the status is one of the known ones and dim stays within 0..max_dim;
 *  - an out-of-range token lies inside the input;
 *  - every parsed element is finite;
 *  - a parsed vector printed back with "%.9g" (exact for float4) parses to the same bits.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fv_parse.h"
#include "fuzz.h"

#define MAX_DIM 1024			/* FV_MAX_DIM of the extension */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	float		v[MAX_DIM];
	float		w[MAX_DIM];
	FvParseResult res;
	FvParseStatus st;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	/* small limits too, so the "too many" path is reached by short inputs */
	for (int max = 1; max <= 3; max++)
	{
		st = fv_parse(s, v, max, &res);
		CHECK(res.dim >= 0 && res.dim <= max);
		CHECK(st != FV_PARSE_TOO_MANY || res.dim == max);
	}

	st = fv_parse(s, v, MAX_DIM, &res);
	CHECK(st == res.status);
	CHECK(st >= FV_PARSE_OK && st <= FV_PARSE_NOT_FINITE);
	CHECK(res.dim >= 0 && res.dim <= MAX_DIM);
	if (st == FV_PARSE_OUT_OF_RANGE)
		CHECK(res.len > 0 && res.pos + res.len <= strlen(s));
	if (st == FV_PARSE_NOT_FINITE)
		CHECK(!isfinite(res.value));
	for (int i = 0; i < res.dim; i++)
		CHECK(isfinite(v[i]));

	if (st == FV_PARSE_OK)
	{
		/* round trip through the shortest exact text a client could send back */
		size_t		cap = (size_t) res.dim * 20 + 3;
		char	   *out = malloc(cap);
		char	   *p = out;
		FvParseResult res2;

		CHECK(out != NULL);
		*p++ = '[';
		for (int i = 0; i < res.dim; i++)
			p += snprintf(p, cap - (size_t) (p - out), "%s%.9g", i ? "," : "", v[i]);
		*p++ = ']';
		*p = '\0';
		CHECK(fv_parse(out, w, MAX_DIM, &res2) == FV_PARSE_OK);
		CHECK(res2.dim == res.dim);
		CHECK(memcmp(v, w, sizeof(float) * (size_t) res.dim) == 0);
		free(out);
	}
	free(s);
	return 0;
}
