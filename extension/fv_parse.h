/*
 * extension/fv_parse.h
 *
 * The feature_vector text parser, free of PostgreSQL calls so that it can be
 * fuzzed on its own (test/fuzz/fuzz_feature_vector.c).  feature_vector_in()
 * turns the status into the ereport for it; this file decides nothing about
 * error codes or messages.
 */
#ifndef LW_FV_PARSE_H
#define LW_FV_PARSE_H

#include <stddef.h>

typedef enum FvParseStatus
{
	FV_PARSE_OK = 0,
	FV_PARSE_NO_BRACKET,		/* does not start with '[' (after blanks) */
	FV_PARSE_SYNTAX,			/* a missing number, separator or ']' */
	FV_PARSE_JUNK,				/* something after the closing ']' */
	FV_PARSE_TOO_MANY,			/* more than max_dim elements */
	FV_PARSE_OUT_OF_RANGE,		/* a number beyond float4 (the token is at pos, len) */
	FV_PARSE_NOT_FINITE			/* NaN or infinity (value says which) */
} FvParseStatus;

typedef struct FvParseResult
{
	FvParseStatus status;
	int			dim;			/* elements stored in values[] */
	size_t		pos;			/* FV_PARSE_OUT_OF_RANGE: offset of the token in the input */
	size_t		len;			/* ... and its length */
	double		value;			/* FV_PARSE_NOT_FINITE: the value */
} FvParseResult;

/*
 * Parse "[1, 2.5, -3e-2]" (blanks tolerated around every token) into
 * values[0..max_dim).  "[]" parses with dim 0: the caller checks the
 * dimension.  Numbers are read like float4in (strtof: no double rounding).
 * Returns res->status.
 */
extern FvParseStatus fv_parse(const char *input, float *values, int max_dim,
							  FvParseResult *res);

#endif							/* LW_FV_PARSE_H */
