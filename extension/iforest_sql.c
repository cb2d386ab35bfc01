/*
 * extension/iforest_sql.c
 *
 * SQL glue for the isolation forest (the algorithm is in iforest.c):
 *   - window function  isolation_forest_score(v [, n_trees, sample_size, seed])
 *   - aggregate        isolation_forest(v [, n_trees, sample_size, seed])
 *                      returning an isolation_forest_model
 *   - the isolation_forest_model type (JSON text form, binary = that text)
 *   - isolation_forest_score(model, v)
 * Every entry point exists for feature_vector and for double precision[].
 */
#include "postgres.h"

#include <math.h>

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "feature_vector.h"
#include "iforest.h"

/*
 * Window function
 */
PG_FUNCTION_INFO_V1(iforest_window_fv);
PG_FUNCTION_INFO_V1(iforest_window_array);

/*
 * The isolation_forest_model type: Input/Output routines
 */
PG_FUNCTION_INFO_V1(isolation_forest_model_in);
PG_FUNCTION_INFO_V1(isolation_forest_model_out);
PG_FUNCTION_INFO_V1(isolation_forest_model_send);
PG_FUNCTION_INFO_V1(isolation_forest_model_recv);

/*
 * Aggregate
 */
PG_FUNCTION_INFO_V1(iforest_agg_transfn_fv);
PG_FUNCTION_INFO_V1(iforest_agg_transfn_array);
PG_FUNCTION_INFO_V1(iforest_agg_combinefn);
PG_FUNCTION_INFO_V1(iforest_agg_serialfn);
PG_FUNCTION_INFO_V1(iforest_agg_deserialfn);
PG_FUNCTION_INFO_V1(iforest_agg_finalfn);

/*
 * Scoring against a model
 */
PG_FUNCTION_INFO_V1(iforest_model_score_fv);
PG_FUNCTION_INFO_V1(iforest_model_score_array);

/* limits on the parameters (the sample size is bounded by the rows anyway) */
#define IF_MAX_TREES 10000

/* rows scored between interrupt checks */
#define IF_SCORE_SLICE 65536

/* ------------------------------------------------------------------------
 * Allocation, parameters, input rows
 * ------------------------------------------------------------------------ */

/* The forest's allocator: palloc in a context, counting the peak (DEBUG1). */
typedef struct IFMem
{
	MemoryContext cxt;
	Size		used;
	Size		peak;
} IFMem;

static void *
if_palloc(void *ctx, size_t size)
{
	IFMem	   *m = (IFMem *) ctx;
	void	   *p = MemoryContextAllocHuge(m->cxt, size);

	m->used += GetMemoryChunkSpace(p);
	if (m->used > m->peak)
		m->peak = m->used;
	return p;
}

static void
if_pfree(void *ctx, void *ptr)
{
	IFMem	   *m = (IFMem *) ctx;

	m->used -= GetMemoryChunkSpace(ptr);
	pfree(ptr);
}

/* The forest's interrupt check (between trees built and row blocks scored). */
static void
if_check(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

typedef struct IFParams
{
	int32		n_trees;
	int32		sample_size;
	int64		seed;
} IFParams;

/* Parameters from three (value, isnull) pairs; NULL or absent = default. */
static IFParams
make_params(int nargs, const Datum *values, const bool *nulls)
{
	IFParams	p = {IF_DEFAULT_TREES, IF_DEFAULT_SAMPLE_SIZE, IF_DEFAULT_SEED};

	if (nargs > 0 && !nulls[0])
		p.n_trees = DatumGetInt32(values[0]);
	if (nargs > 1 && !nulls[1])
		p.sample_size = DatumGetInt32(values[1]);
	if (nargs > 2 && !nulls[2])
		p.seed = DatumGetInt64(values[2]);

	if (p.n_trees < 1 || p.n_trees > IF_MAX_TREES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_trees must be between 1 and %d, not %d", IF_MAX_TREES, p.n_trees)));
	if (p.sample_size < 1 || p.sample_size > IF_MAX_SAMPLE_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sample_size must be between 1 and %d, not %d",
						IF_MAX_SAMPLE_SIZE, p.sample_size)));
	return p;
}

static void
check_same_params(const IFParams *a, const IFParams *b)
{
	if (a->n_trees != b->n_trees || a->sample_size != b->sample_size || a->seed != b->seed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("isolation forest parameters must be the same for every row of a group")));
}

/*
 * One input row, read in place: a feature_vector's float4 elements (possibly
 * unaligned: a short-header varlena is not copied just to align it) or a
 * double precision[]'s elements.
 */
typedef struct RowView
{
	int			dim;
	const char *f4;
	const double *f8;
} RowView;

/*
 * Look at a feature_vector or double precision[] datum.  A feature_vector is
 * valid by construction; an array is checked here (1-D, no NULL, finite).
 */
static void
row_view(Datum datum, bool is_array, RowView *rv)
{
	if (!is_array)
	{
		/* FeatureVector after its 4-byte header: int16 dim, int16 unused, x[] */
		struct varlena *v = PG_DETOAST_DATUM_PACKED(datum);
		const char *body = VARDATA_ANY(v);
		int16		dim;

		memcpy(&dim, body + offsetof(FeatureVector, dim) - VARHDRSZ, sizeof(int16));
		rv->dim = dim;
		rv->f4 = body + offsetof(FeatureVector, x) - VARHDRSZ;
		rv->f8 = NULL;
	}
	else
	{
		ArrayType  *a = DatumGetArrayTypeP(datum);
		const double *x;
		int			n,
					i;

		if (ARR_NDIM(a) != 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("isolation forest input array must be one-dimensional and not empty")));
		if (ARR_HASNULL(a) && array_contains_nulls(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("isolation forest input array must not contain nulls")));
		n = ARR_DIMS(a)[0];
		if (n > FV_MAX_DIM)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("isolation forest input cannot have more than %d values", FV_MAX_DIM)));
		x = (const double *) ARR_DATA_PTR(a);
		for (i = 0; i < n; i++)
			if (!isfinite(x[i]))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("isolation forest input must not contain NaN or infinity")));
		rv->dim = n;
		rv->f4 = NULL;
		rv->f8 = x;
	}
}

static void
check_dims(int expected, int got)
{
	if (expected != got)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("isolation forest input vectors have different dimensions %d and %d",
						expected, got)));
}

static inline void
row_store(const RowView *rv, double *dst)
{
	int			j;

	if (rv->f4)
		for (j = 0; j < rv->dim; j++)
		{
			float		f;

			memcpy(&f, rv->f4 + j * sizeof(float), sizeof(float));
			dst[j] = f;
		}
	else
		memcpy(dst, rv->f8, sizeof(double) * rv->dim);
}

static void
check_row_count(int64 n)
{
	if (n >= PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("isolation forest groups are limited to %d rows", PG_INT32_MAX - 1)));
}

/* ------------------------------------------------------------------------
 * Window function
 * ------------------------------------------------------------------------ */

/* Partition-lifetime state: every row's score, computed at the first call. */
typedef struct IFWindowState
{
	bool		computed;
	IFParams	params;
	double	   *scores;			/* per partition position; NaN = NULL */
} IFWindowState;

static IFParams
window_params(WindowObject winobj, int nargs)
{
	Datum		values[3];
	bool		nulls[3];
	int			i;

	for (i = 0; i < nargs - 1 && i < 3; i++)
		values[i] = WinGetFuncArgCurrent(winobj, i + 1, &nulls[i]);
	return make_params(nargs - 1, values, nulls);
}

/*
 * Read the whole partition, build the forest, score every row.  The rows and
 * the forest live in a context deleted before returning; only the scores
 * stay, in the partition's memory.
 */
static void
window_compute(WindowObject winobj, IFWindowState *st, bool is_array)
{
	MemoryContext partctx = GetMemoryChunkContext(st);
	MemoryContext workctx = AllocSetContextCreate(CurrentMemoryContext,
												  "isolation forest",
												  ALLOCSET_DEFAULT_SIZES);
	MemoryContext rowctx = AllocSetContextCreate(workctx,
												 "isolation forest row",
												 ALLOCSET_SMALL_SIZES);
	MemoryContext old;
	IFMem		mem = {workctx, 0, 0};
	IFAllocator alloc = {if_palloc, if_pfree, &mem, if_check};
	int64		nrows = WinGetPartitionRowCount(winobj);
	int64		i;
	int32		n = 0;
	int			dim = -1;
	double	   *data = NULL;
	double	   *valid_scores;
	bool	   *valid;
	IForest		forest;

	check_row_count(nrows);
	st->scores = MemoryContextAllocHuge(partctx, sizeof(double) * Max(nrows, 1));
	valid = MemoryContextAllocHuge(workctx, sizeof(bool) * Max(nrows, 1));

	for (i = 0; i < nrows; i++)
	{
		bool		isnull,
					isout;
		Datum		datum;
		RowView		rv;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(rowctx);
		datum = WinGetFuncArgInPartition(winobj, 0, (int) i, WINDOW_SEEK_HEAD,
										 false, &isnull, &isout);
		valid[i] = !isnull && !isout;
		if (valid[i])
		{
			row_view(datum, is_array, &rv);
			if (dim < 0)
			{
				dim = rv.dim;
				data = MemoryContextAllocHuge(workctx, sizeof(double) * dim * nrows);
			}
			check_dims(dim, rv.dim);
			row_store(&rv, data + (int64) n * dim);
			n++;
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowctx);
	}

	if (n > 0)
	{
		int32		k = 0;

		if_build(&forest, data, n, dim, st->params.n_trees, st->params.sample_size,
				 (uint64) st->params.seed, &alloc);
		valid_scores = MemoryContextAllocHuge(workctx, sizeof(double) * n);
		/* in slices, so that a long partition can be cancelled */
		for (i = 0; i < n; i += IF_SCORE_SLICE)
		{
			CHECK_FOR_INTERRUPTS();
			if_score_rows(&forest, data + i * dim, Min(IF_SCORE_SLICE, n - i),
						  valid_scores + i, &alloc);
		}
		elog(DEBUG1, "isolation forest: %d rows of %d values, %lld nodes; memory: rows %zu bytes, "
			 "scores %zu bytes, forest work peak %zu bytes",
			 n, dim, (long long) forest.n_nodes, GetMemoryChunkSpace(data),
			 GetMemoryChunkSpace(st->scores) + GetMemoryChunkSpace(valid) + GetMemoryChunkSpace(valid_scores),
			 mem.peak);
		for (i = 0; i < nrows; i++)
			st->scores[i] = valid[i] ? valid_scores[k++] : NAN;
	}
	else
		for (i = 0; i < nrows; i++)
			st->scores[i] = NAN;

	MemoryContextDelete(workctx);
	st->computed = true;
}

static Datum
window_score(FunctionCallInfo fcinfo, bool is_array)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	IFWindowState *st;
	IFParams	params;
	double		s;

	if (!WindowObjectIsValid(winobj))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("isolation_forest_score(vector) must be called as a window function"),
				 errhint("Add OVER (PARTITION BY ...), or score against a model from isolation_forest().")));

	st = (IFWindowState *) WinGetPartitionLocalMemory(winobj, sizeof(IFWindowState));
	params = window_params(winobj, PG_NARGS());
	if (!st->computed)
	{
		st->params = params;
		window_compute(winobj, st, is_array);
	}
	else
		check_same_params(&st->params, &params);

	s = st->scores[WinGetCurrentPosition(winobj)];
	if (isnan(s))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s);
}

Datum
iforest_window_fv(PG_FUNCTION_ARGS)
{
	return window_score(fcinfo, false);
}

Datum
iforest_window_array(PG_FUNCTION_ARGS)
{
	return window_score(fcinfo, true);
}

/* ------------------------------------------------------------------------
 * The model type: binary layout
 * ------------------------------------------------------------------------ */

#define IF_MODEL_VERSION 1

typedef struct IFModel
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		version;
	int32		dim;
	int32		n_trees;
	int32		sample_size;	/* as requested */
	int32		psi;			/* as used: min(sample_size, training_rows) */
	int64		training_rows;
	int64		seed;
	int64		n_nodes;
	/* int64 tree_start[n_trees + 1]; IFNode nodes[n_nodes]; */
} IFModel;

#define MODEL_TREE_START(m)	((int64 *) ((char *) (m) + sizeof(IFModel)))
#define MODEL_NODES(m)		((IFNode *) (MODEL_TREE_START(m) + (m)->n_trees + 1))
#define MODEL_SIZE(trees, nodes) \
	(sizeof(IFModel) + sizeof(int64) * ((trees) + 1) + sizeof(IFNode) * (nodes))

StaticAssertDecl(sizeof(IFModel) % MAXIMUM_ALIGNOF == 0, "model header must keep nodes aligned");
StaticAssertDecl(sizeof(IFNode) == 16, "unexpected IFNode layout");

static IFModel *
model_alloc(int32 n_trees, int64 n_nodes)
{
	Size		size = MODEL_SIZE(n_trees, n_nodes);
	IFModel    *m;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("isolation forest model would take %zu bytes, more than a value can hold", size)));
	m = palloc0(size);
	SET_VARSIZE(m, size);
	m->version = IF_MODEL_VERSION;
	m->n_trees = n_trees;
	m->n_nodes = n_nodes;
	return m;
}

/* An IForest that points into the model (read only). */
static void
model_forest(const IFModel *m, IForest *f)
{
	f->dim = m->dim;
	f->n_trees = m->n_trees;
	f->psi = m->psi;
	f->height_limit = if_height_limit(m->psi);
	f->c_psi = if_average_path_length(m->psi);
	f->n_nodes = m->n_nodes;
	f->tree_start = MODEL_TREE_START(m);
	f->nodes = MODEL_NODES(m);
}

/* ------------------------------------------------------------------------
 * Text form: JSON written in one canonical layout, read back strictly
 * ------------------------------------------------------------------------ */

static void
append_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	/* shortest text that reads back as exactly the same double */
	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

static void
write_node(StringInfo buf, const IFNode *tn, int64 k)
{
	if (tn[k].feature < 0)
	{
		appendStringInfo(buf, "{\"size\":%d}", tn[k].aux);
		return;
	}
	appendStringInfo(buf, "{\"feature\":%d,\"split\":", tn[k].feature + 1);
	append_double(buf, tn[k].value);
	appendStringInfoString(buf, ",\"left\":");
	write_node(buf, tn, k + 1);
	appendStringInfoString(buf, ",\"right\":");
	write_node(buf, tn, tn[k].aux);
	appendStringInfoChar(buf, '}');
}

static char *
model_to_text(const IFModel *m)
{
	StringInfoData buf;
	const int64 *starts = MODEL_TREE_START(m);
	const IFNode *nodes = MODEL_NODES(m);
	int32		t;

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"type\":\"isolation_forest_model\",\"version\":%d,\"dim\":%d,"
					 "\"n_trees\":%d,\"sample_size\":%d,\"psi\":%d,\"height_limit\":%d,"
					 "\"training_rows\":" INT64_FORMAT ",\"seed\":" INT64_FORMAT ",\"trees\":[",
					 m->version, m->dim, m->n_trees, m->sample_size, m->psi,
					 if_height_limit(m->psi), m->training_rows, m->seed);
	for (t = 0; t < m->n_trees; t++)
	{
		if (t > 0)
			appendStringInfoChar(&buf, ',');
		write_node(&buf, nodes + starts[t], 0);
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}

typedef struct ModelParser
{
	const char *start;
	const char *p;
	/* nodes and tree offsets as they are read */
	IFNode	   *nodes;
	int64		n_nodes;
	int64		cap;
	int32		height_limit;
	int32		dim;
} ModelParser;

static void pg_attribute_noreturn()
parse_error(ModelParser *ps, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type isolation_forest_model"),
			 errdetail("Expected %s at character %d.", what, (int) (ps->p - ps->start) + 1)));
}

static void pg_attribute_noreturn()
model_invalid(const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid isolation_forest_model: %s", problem)));
}

static void
skip_ws(ModelParser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static void
expect_char(ModelParser *ps, char c, const char *what)
{
	skip_ws(ps);
	if (*ps->p != c)
		parse_error(ps, what);
	ps->p++;
}

/* "name": */
static void
expect_key(ModelParser *ps, const char *name)
{
	size_t		len = strlen(name);
	char		what[64];

	snprintf(what, sizeof what, "key \"%s\"", name);
	skip_ws(ps);
	if (ps->p[0] != '"' || strncmp(ps->p + 1, name, len) != 0 || ps->p[len + 1] != '"')
		parse_error(ps, what);
	ps->p += len + 2;
	expect_char(ps, ':', "\":\"");
}

static bool
peek_key(ModelParser *ps, const char *name)
{
	size_t		len = strlen(name);

	skip_ws(ps);
	return ps->p[0] == '"' && strncmp(ps->p + 1, name, len) == 0 && ps->p[len + 1] == '"';
}

static int64
parse_int(ModelParser *ps, int64 min, int64 max, const char *what)
{
	const char *q;
	int64		v = 0;
	bool		neg = false;

	skip_ws(ps);
	q = ps->p;
	if (*q == '-')
	{
		neg = true;
		q++;
	}
	if (*q < '0' || *q > '9')
		parse_error(ps, what);
	while (*q >= '0' && *q <= '9')
	{
		int			digit = *q - '0';

		/* accumulate negatively so INT64_MIN fits */
		if (v < (PG_INT64_MIN + digit) / 10)
			parse_error(ps, what);
		v = v * 10 - digit;
		q++;
	}
	if (!neg)
	{
		if (v == PG_INT64_MIN)
			parse_error(ps, what);
		v = -v;
	}
	if (v < min || v > max)
		parse_error(ps, what);
	ps->p = q;
	return v;
}

static double
parse_number(ModelParser *ps, const char *what)
{
	const char *q;
	char	   *end;
	double		v;

	skip_ws(ps);
	/* a JSON number: -?digits[.digits][(e|E)[+-]digits]; strtod does the rest */
	q = ps->p;
	if (*q == '-')
		q++;
	if (*q < '0' || *q > '9')
		parse_error(ps, what);
	while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
		   *q == '+' || *q == '-')
		q++;
	v = strtod(ps->p, &end);
	if (end != q || !isfinite(v))
		parse_error(ps, what);
	ps->p = q;
	return v;
}

static int64
push_parsed_node(ModelParser *ps)
{
	if (ps->n_nodes == ps->cap)
	{
		ps->cap *= 2;
		ps->nodes = repalloc_huge(ps->nodes, sizeof(IFNode) * ps->cap);
	}
	return ps->n_nodes++;
}

/* {"size":n} or {"feature":f,"split":s,"left":node,"right":node} */
static void
parse_node(ModelParser *ps, int64 tree_base, int32 depth)
{
	int64		k;

	check_stack_depth();
	expect_char(ps, '{', "\"{\" (a tree node)");
	k = push_parsed_node(ps);
	if (peek_key(ps, "size"))
	{
		expect_key(ps, "size");
		ps->nodes[k].feature = -1;
		ps->nodes[k].aux = (int32) parse_int(ps, 1, PG_INT32_MAX, "a leaf size (a positive integer)");
		ps->nodes[k].value = 0;
	}
	else
	{
		if (depth >= ps->height_limit)
			model_invalid("a tree is deeper than the height limit of its sample size");
		expect_key(ps, "feature");
		ps->nodes[k].feature = (int32) parse_int(ps, 1, ps->dim,
												 psprintf("a feature number between 1 and %d", ps->dim)) - 1;
		expect_char(ps, ',', "\",\"");
		expect_key(ps, "split");
		ps->nodes[k].value = parse_number(ps, "a finite split value");
		expect_char(ps, ',', "\",\"");
		expect_key(ps, "left");
		parse_node(ps, tree_base, depth + 1);
		expect_char(ps, ',', "\",\"");
		expect_key(ps, "right");
		ps->nodes[k].aux = (int32) (ps->n_nodes - tree_base);
		parse_node(ps, tree_base, depth + 1);
	}
	expect_char(ps, '}', "\"}\"");
}

static IFModel *
model_from_text(const char *text)
{
	ModelParser ps;
	IFModel		hdr;
	IFModel    *m;
	int64	   *starts;
	int32		t;
	IForest		f;
	const char *problem;

	memset(&ps, 0, sizeof ps);
	memset(&hdr, 0, sizeof hdr);
	ps.start = ps.p = text;

	expect_char(&ps, '{', "\"{\"");
	expect_key(&ps, "type");
	skip_ws(&ps);
	if (strncmp(ps.p, "\"isolation_forest_model\"", 24) != 0)
		parse_error(&ps, "\"isolation_forest_model\"");
	ps.p += 24;
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "version");
	hdr.version = (int32) parse_int(&ps, IF_MODEL_VERSION, IF_MODEL_VERSION, "version 1");
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "dim");
	hdr.dim = (int32) parse_int(&ps, 1, FV_MAX_DIM, "a dimension between 1 and " CppAsString2(FV_MAX_DIM));
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "n_trees");
	hdr.n_trees = (int32) parse_int(&ps, 1, IF_MAX_TREES, "a tree count between 1 and " CppAsString2(IF_MAX_TREES));
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "sample_size");
	hdr.sample_size = (int32) parse_int(&ps, 1, IF_MAX_SAMPLE_SIZE,
										psprintf("a sample size between 1 and %d", IF_MAX_SAMPLE_SIZE));
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "psi");
	hdr.psi = (int32) parse_int(&ps, 1, hdr.sample_size, "psi between 1 and sample_size");
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "height_limit");
	if (parse_int(&ps, 0, 64, "a height limit") != if_height_limit(hdr.psi))
		model_invalid("height_limit is not ceil(log2(psi))");
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "training_rows");
	hdr.training_rows = parse_int(&ps, hdr.psi, PG_INT32_MAX, "training_rows at least psi");
	if (hdr.psi != Min(hdr.sample_size, hdr.training_rows))
		model_invalid("psi is not min(sample_size, training_rows)");
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "seed");
	hdr.seed = parse_int(&ps, PG_INT64_MIN, PG_INT64_MAX, "a seed (a bigint)");
	expect_char(&ps, ',', "\",\"");
	expect_key(&ps, "trees");
	expect_char(&ps, '[', "\"[\"");

	ps.dim = hdr.dim;
	ps.height_limit = if_height_limit(hdr.psi);
	ps.cap = 1024;
	ps.nodes = palloc(sizeof(IFNode) * ps.cap);
	starts = palloc(sizeof(int64) * (hdr.n_trees + 1));
	for (t = 0; t < hdr.n_trees; t++)
	{
		if (t > 0)
			expect_char(&ps, ',', "\",\" (n_trees trees)");
		starts[t] = ps.n_nodes;
		parse_node(&ps, starts[t], 0);
	}
	starts[hdr.n_trees] = ps.n_nodes;
	expect_char(&ps, ']', "\"]\" (exactly n_trees trees)");
	expect_char(&ps, '}', "\"}\"");
	skip_ws(&ps);
	if (*ps.p != '\0')
		parse_error(&ps, "end of input");

	m = model_alloc(hdr.n_trees, ps.n_nodes);
	m->dim = hdr.dim;
	m->sample_size = hdr.sample_size;
	m->psi = hdr.psi;
	m->training_rows = hdr.training_rows;
	m->seed = hdr.seed;
	memcpy(MODEL_TREE_START(m), starts, sizeof(int64) * (hdr.n_trees + 1));
	memcpy(MODEL_NODES(m), ps.nodes, sizeof(IFNode) * ps.n_nodes);
	pfree(starts);
	pfree(ps.nodes);

	model_forest(m, &f);
	problem = if_validate(&f);
	if (problem)
		model_invalid(problem);
	if_set_leaf_values(&f);
	return m;
}

Datum
isolation_forest_model_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(model_from_text(PG_GETARG_CSTRING(0)));
}

Datum
isolation_forest_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(model_to_text((IFModel *) PG_GETARG_VARLENA_P(0)));
}

/* Binary form: the text form as bytes, so both forms round-trip the same way. */
Datum
isolation_forest_model_send(PG_FUNCTION_ARGS)
{
	char	   *text = model_to_text((IFModel *) PG_GETARG_VARLENA_P(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, text, strlen(text));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
isolation_forest_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	PG_RETURN_POINTER(model_from_text(text));
}

/* ------------------------------------------------------------------------
 * Aggregate: buffer the rows, build in the final function
 * ------------------------------------------------------------------------ */

typedef struct IFAggState
{
	MemoryContext ctx;			/* the aggregate's context: rows live here */
	IFParams	params;
	int32		dim;			/* -1 until the first non-NULL row */
	int32		n;
	int64		cap;			/* rows the buffer holds */
	double	   *data;
} IFAggState;

/* Append n rows (n * dim doubles, any alignment) to the state's buffer. */
static void
agg_append(IFAggState *st, const void *rows, int32 n)
{
	if (n == 0)
		return;
	check_row_count((int64) st->n + n);
	if ((int64) st->n + n > st->cap)
	{
		st->cap = Max(st->cap * 2, (int64) st->n + n);
		st->data = st->data
			? repalloc_huge(st->data, sizeof(double) * st->dim * st->cap)
			: MemoryContextAllocHuge(st->ctx, sizeof(double) * st->dim * st->cap);
	}
	memcpy(st->data + (int64) st->n * st->dim, rows, sizeof(double) * st->dim * n);
	st->n += n;
}

static Datum
agg_transfn(FunctionCallInfo fcinfo, bool is_array)
{
	MemoryContext aggctx;
	IFAggState *st;
	IFParams	params;
	Datum		values[3];
	bool		nulls[3];
	int			i,
				nparams = PG_NARGS() - 2;
	RowView		rv;
	double		row[FV_MAX_DIM];

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("isolation_forest transition function called in non-aggregate context")));

	for (i = 0; i < nparams && i < 3; i++)
	{
		values[i] = PG_GETARG_DATUM(i + 2);
		nulls[i] = PG_ARGISNULL(i + 2);
	}
	params = make_params(nparams, values, nulls);

	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggctx, sizeof(IFAggState));
		st->ctx = aggctx;
		st->params = params;
		st->dim = -1;
	}
	else
	{
		st = (IFAggState *) PG_GETARG_POINTER(0);
		check_same_params(&st->params, &params);
	}

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);	/* NULL rows are not trained on */

	row_view(PG_GETARG_DATUM(1), is_array, &rv);
	if (st->dim < 0)
		st->dim = rv.dim;
	check_dims(st->dim, rv.dim);
	row_store(&rv, row);
	agg_append(st, row, 1);
	PG_RETURN_POINTER(st);
}

Datum
iforest_agg_transfn_fv(PG_FUNCTION_ARGS)
{
	return agg_transfn(fcinfo, false);
}

Datum
iforest_agg_transfn_array(PG_FUNCTION_ARGS)
{
	return agg_transfn(fcinfo, true);
}

/*
 * Parallel aggregation: partial states are merged by appending rows.  The
 * final function puts the rows in canonical order, so the model does not
 * depend on which worker saw which rows.
 */
Datum
iforest_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	IFAggState *a;
	IFAggState *b;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("isolation_forest combine function called in non-aggregate context")));
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	b = (IFAggState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		a = MemoryContextAllocZero(aggctx, sizeof(IFAggState));
		a->ctx = aggctx;
		a->params = b->params;
		a->dim = b->dim;
	}
	else
	{
		a = (IFAggState *) PG_GETARG_POINTER(0);
		check_same_params(&a->params, &b->params);
	}
	if (b->n > 0)
	{
		if (a->dim < 0)
			a->dim = b->dim;
		check_dims(a->dim, b->dim);
		agg_append(a, b->data, b->n);
	}
	PG_RETURN_POINTER(a);
}

/* Serialized state: n_trees, sample_size, seed, dim, n, then n * dim doubles. */
Datum
iforest_agg_serialfn(PG_FUNCTION_ARGS)
{
	IFAggState *st = (IFAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->params.n_trees);
	pq_sendint32(&buf, st->params.sample_size);
	pq_sendint64(&buf, st->params.seed);
	pq_sendint32(&buf, st->dim);
	pq_sendint32(&buf, st->n);
	if (st->n > 0)
		pq_sendbytes(&buf, (const char *) st->data, sizeof(double) * st->dim * st->n);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
iforest_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx;
	IFAggState *st;
	StringInfoData buf;
	int32		n;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("isolation_forest deserialization function called in non-aggregate context")));
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = 0;
	buf.cursor = 0;
	st = MemoryContextAllocZero(aggctx, sizeof(IFAggState));
	st->ctx = aggctx;
	st->params.n_trees = pq_getmsgint(&buf, 4);
	st->params.sample_size = pq_getmsgint(&buf, 4);
	st->params.seed = pq_getmsgint64(&buf);
	st->dim = pq_getmsgint(&buf, 4);
	n = pq_getmsgint(&buf, 4);
	if (n > 0)
		agg_append(st, pq_getmsgbytes(&buf, sizeof(double) * st->dim * n), n);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

/* Build the forest (the state is left as it is: the final function may run
 * more than once, e.g. as a window aggregate) and return it as a model. */
Datum
iforest_agg_finalfn(PG_FUNCTION_ARGS)
{
	IFAggState *st;
	MemoryContext workctx;
	IFMem		mem;
	IFAllocator alloc;
	IForest		forest;
	IFModel    *m;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (IFAggState *) PG_GETARG_POINTER(0);
	if (st->n == 0)
		PG_RETURN_NULL();

	workctx = AllocSetContextCreate(CurrentMemoryContext, "isolation forest",
									ALLOCSET_DEFAULT_SIZES);
	mem.cxt = workctx;
	mem.used = mem.peak = 0;
	alloc.alloc = if_palloc;
	alloc.release = if_pfree;
	alloc.ctx = &mem;
	alloc.check = if_check;
	if_build(&forest, st->data, st->n, st->dim, st->params.n_trees,
			 st->params.sample_size, (uint64) st->params.seed, &alloc);

	m = model_alloc(forest.n_trees, forest.n_nodes);
	m->dim = st->dim;
	m->sample_size = st->params.sample_size;
	m->psi = forest.psi;
	m->training_rows = st->n;
	m->seed = st->params.seed;
	memcpy(MODEL_TREE_START(m), forest.tree_start, sizeof(int64) * (forest.n_trees + 1));
	memcpy(MODEL_NODES(m), forest.nodes, sizeof(IFNode) * forest.n_nodes);
	MemoryContextDelete(workctx);
	PG_RETURN_POINTER(m);
}

/* ------------------------------------------------------------------------
 * Scoring against a model
 * ------------------------------------------------------------------------ */

/*
 * A model stored in a table is TOASTed (a default forest is ~800 kB); keep the
 * detoasted copy for the rest of the query, keyed by its TOAST pointer, so
 * scoring many rows against one stored model detoasts it once.
 */
typedef struct ModelCache
{
	Oid			toastrelid;
	Oid			valueid;
	IFModel    *model;
} ModelCache;

static const IFModel *
get_model(FunctionCallInfo fcinfo)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(0));
	ModelCache *cache;
	struct varatt_external ext;
	MemoryContext old;

	if (!VARATT_IS_EXTERNAL_ONDISK(raw))
		return (const IFModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	VARATT_EXTERNAL_GET_POINTER(ext, raw);
	cache = (ModelCache *) fcinfo->flinfo->fn_extra;
	if (cache && cache->toastrelid == ext.va_toastrelid && cache->valueid == ext.va_valueid)
		return cache->model;
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ModelCache));
	else if (cache->model)
		pfree(cache->model);
	cache->model = NULL;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache->model = (IFModel *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	MemoryContextSwitchTo(old);
	cache->toastrelid = ext.va_toastrelid;
	cache->valueid = ext.va_valueid;
	return cache->model;
}

static Datum
model_score(FunctionCallInfo fcinfo, bool is_array)
{
	const IFModel *m = get_model(fcinfo);
	IForest		f;
	RowView		rv;
	double		x[FV_MAX_DIM];

	row_view(PG_GETARG_DATUM(1), is_array, &rv);
	check_dims(m->dim, rv.dim);
	row_store(&rv, x);
	model_forest(m, &f);
	/* the same sums in the same order as the window form: identical numbers */
	PG_RETURN_FLOAT8(if_score(&f, x));
}

Datum
iforest_model_score_fv(PG_FUNCTION_ARGS)
{
	return model_score(fcinfo, false);
}

Datum
iforest_model_score_array(PG_FUNCTION_ARGS)
{
	return model_score(fcinfo, true);
}
