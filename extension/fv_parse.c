/*
 * extension/fv_parse.c
 *
 * The feature_vector text parser (see fv_parse.h).  No PostgreSQL headers:
 * this file is also compiled into the libFuzzer target.
 */
#include "fv_parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
fv_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static FvParseStatus
done(FvParseResult *res, FvParseStatus status, int dim)
{
	res->status = status;
	res->dim = dim;
	return status;
}

FvParseStatus
fv_parse(const char *input, float *values, int max_dim, FvParseResult *res)
{
	const char *p = input;
	int			dim = 0;

	memset(res, 0, sizeof(*res));
	while (fv_isspace(*p))
		p++;
	if (*p != '[')
		return done(res, FV_PARSE_NO_BRACKET, 0);
	p++;
	while (fv_isspace(*p))
		p++;

	if (*p != ']')
	{
		for (;;)
		{
			char	   *end;
			float		value;

			if (dim == max_dim)
				return done(res, FV_PARSE_TOO_MANY, dim);

			while (fv_isspace(*p))
				p++;
			if (*p == '\0' || *p == ',' || *p == ']')
				return done(res, FV_PARSE_SYNTAX, dim);

			/* strtof like float4in: no double rounding, FLT_MAX stays finite */
			errno = 0;
			value = strtof(p, &end);
			if (end == p)
				return done(res, FV_PARSE_SYNTAX, dim);
			if (errno == ERANGE && isinf(value))
			{
				res->pos = (size_t) (p - input);
				res->len = (size_t) (end - p);
				return done(res, FV_PARSE_OUT_OF_RANGE, dim);
			}
			if (!isfinite(value))
			{
				res->value = value;
				return done(res, FV_PARSE_NOT_FINITE, dim);
			}
			values[dim++] = value;
			p = end;

			while (fv_isspace(*p))
				p++;
			if (*p == ',')
			{
				p++;
				continue;
			}
			if (*p == ']')
				break;
			return done(res, FV_PARSE_SYNTAX, dim);
		}
	}
	p++;						/* past ']' */
	while (fv_isspace(*p))
		p++;
	if (*p != '\0')
		return done(res, FV_PARSE_JUNK, dim);
	return done(res, FV_PARSE_OK, dim);
}
