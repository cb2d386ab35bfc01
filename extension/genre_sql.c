/*
 * extension/genre_sql.c
 *
 * SQL glue for the genre map (the matcher is in genre_rules.c):
 *   genre_map(text), genre_family(text), genre_group(text),
 *   genre_normalize(text), genre_map_explain(text),
 *   genre_vote(text[]), aggregate genre_vote_agg(text[], integer),
 *   trigger function listen_wiseer.genre_rules_changed().
 *
 * The rule tables (listen_wiseer.genre_families, genre_aliases, genre_rules,
 * genre_overrides) are compiled once per backend and cached.  Changes are
 * seen at once: a statement trigger on each table sends a relcache
 * invalidation for it (local at the end of the command, to other backends
 * at commit; rollbacks are undone the same way), and our relcache callback
 * marks the cache stale.  A reload first processes pending invalidations,
 * then reads the tables with a fresh snapshot, so no committed change can
 * fall between the snapshot and the invalidation that announced it; if an
 * invalidation arrives during the load, the result is used once and
 * reloaded on the next call.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "mb/pg_wchar.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "genre_rules.h"
#include "table_read.h"

/*
 * Mapping one genre
 */
PG_FUNCTION_INFO_V1(genre_map);
PG_FUNCTION_INFO_V1(genre_family);
PG_FUNCTION_INFO_V1(genre_group);
PG_FUNCTION_INFO_V1(genre_normalize_sql);
PG_FUNCTION_INFO_V1(genre_map_explain);

/*
 * Votes over many genres
 */
PG_FUNCTION_INFO_V1(genre_vote);
PG_FUNCTION_INFO_V1(genre_vote_agg_transfn);
PG_FUNCTION_INFO_V1(genre_vote_agg_finalfn);

/*
 * Trigger on the rule tables
 */
PG_FUNCTION_INFO_V1(genre_rules_changed);

#define GENRE_SCHEMA "listen_wiseer"
#define GENRE_NTABLES 4
static const char *const genre_tables[GENRE_NTABLES] = {
	"genre_families", "genre_aliases", "genre_rules", "genre_overrides"
};

static GenreRuleSet *cache_rs = NULL;
static MemoryContext cache_cxt = NULL;
static bool cache_valid = false;
static bool cache_exact = false;	/* loaded with a fresh snapshot */
static uint64 cache_invals = 0;
static Oid	cache_relids[GENRE_NTABLES];
static bool callback_registered = false;

static void *
genre_palloc(void *ctx, size_t size)
{
	return MemoryContextAllocZero((MemoryContext) ctx, size);
}

/*
 * The matcher reads UTF-8.  In a database with another encoding, text is
 * converted on the way in (and genre text on the way out).
 */
static const char *
to_utf8(const char *s, size_t *len)
{
	char	   *c;

	if (GetDatabaseEncoding() == PG_UTF8)
		return s;
	c = pg_server_to_any(s, (int) *len, PG_UTF8);
	if (c != s)
		*len = strlen(c);
	return c;
}

static char *
from_utf8(const char *s, size_t len)
{
	char	   *c = pnstrdup(s, len);

	if (GetDatabaseEncoding() == PG_UTF8)
		return c;
	return pg_any_to_server(c, (int) len, PG_UTF8);
}

/* A NUL-terminated string from the tables, as UTF-8 (NULL stays NULL). */
static const char *
cstring_utf8(const char *s)
{
	size_t		len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	return to_utf8(s, &len);
}

static void
genre_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid)
	{
		cache_valid = false;
		cache_invals++;
		return;
	}
	for (int i = 0; i < GENRE_NTABLES; i++)
		if (cache_relids[i] == relid)
		{
			cache_valid = false;
			cache_invals++;
			return;
		}
}

/* Runs a query of the loader; errors name the table. */
static void
load_query(const char *sql)
{
	int			rc = SPI_execute(sql, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "genre rule query failed: %s", SPI_result_code_string(rc));
}

static char *
get_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

static int
group_of(const char *s)
{
	return s ? genre_group_from_name(s) : GENRE_GROUP_NONE;
}

static int
family_of(GenreRuleSet *rs, const char *s)
{
	return s ? genre_family_lookup(rs, s) : -1;
}

static int
get_group(int row, int col)
{
	return group_of(get_text(row, col));
}

static int
get_family(GenreRuleSet *rs, int row, int col)
{
	return family_of(rs, get_text(row, col));
}

static int
get_int(int row, int col)
{
	char	   *s = get_text(row, col);

	return s ? pg_strtoint32(s) : 0;
}

/*
 * Reads the four tables into a new rule set allocated in cxt.  The queries
 * run under the caller's search_path (a GUC cannot be set in a parallel
 * worker), so every name in them is qualified, the collation included
 * (sql/search_path_hostile.sql plants a "C" that sorts lower case first).
 */
static GenreRuleSet *
load_rules(MemoryContext cxt)
{
	GenreRuleSet *rs = genre_ruleset_create(genre_palloc, cxt);
	uint64		n;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* user rows before default rows: on a normalisation clash the user's wins */
	load_query("SELECT family, genre_group, priority FROM listen_wiseer.genre_families"
			   " ORDER BY family COLLATE pg_catalog.\"C\"");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
		genre_ruleset_add_family(rs, get_text(i, 1), get_group(i, 2), get_int(i, 3));

	load_query("SELECT alias, canonical FROM listen_wiseer.genre_aliases WHERE enabled"
			   " ORDER BY is_default, alias COLLATE pg_catalog.\"C\"");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
		genre_ruleset_add_alias(rs, cstring_utf8(get_text(i, 1)), cstring_utf8(get_text(i, 2)));

	load_query("SELECT pattern, family, genre_group, priority FROM listen_wiseer.genre_rules"
			   " WHERE enabled ORDER BY is_default, pattern COLLATE pg_catalog.\"C\"");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
		genre_ruleset_add_rule(rs, cstring_utf8(get_text(i, 1)), get_family(rs, i, 2),
							   get_group(i, 3), get_int(i, 4));

	load_query("SELECT genre, family, genre_group FROM listen_wiseer.genre_overrides"
			   " ORDER BY genre COLLATE pg_catalog.\"C\"");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
		genre_ruleset_add_override(rs, cstring_utf8(get_text(i, 1)), get_family(rs, i, 2),
								   get_group(i, 3));

	SPI_finish();
	genre_ruleset_finish(rs);
	return rs;
}

/* ------------------------------------------------------------------------ */
/* The same rows read by direct scans (table_read.h): planning four queries  */
/* was most of a session's first genre_map() or recommend() call.            */
/* ------------------------------------------------------------------------ */

typedef struct RuleRow
{
	bool		is_default;
	char	   *key;			/* family, alias, pattern or genre: the order */
	char	   *a;				/* genre_group, canonical, family or family */
	char	   *b;				/* -, -, genre_group, genre_group */
	int32		priority;
} RuleRow;

/* ORDER BY [is_default,] key COLLATE "C" (false before true; keys are primary keys) */
static int
rule_row_cmp(const void *x, const void *y)
{
	const RuleRow *p = x;
	const RuleRow *q = y;

	if (p->is_default != q->is_default)
		return p->is_default ? 1 : -1;
	return strcmp(p->key, q->key);
}

static char *
text_or_null(TupleTableSlot *slot, int col)
{
	return slot->tts_isnull[col] ? NULL : TextDatumGetCString(slot->tts_values[col]);
}

/*
 * The rows of one rule table, sorted: key, a, b name columns (b may be
 * NULL), prio the priority's (NULL: 0), enabled the filter's (NULL: every
 * row), by_default whether is_default orders first.
 */
static RuleRow *
read_rule_rows(Oid relid, const char *key, const char *a, const char *b, const char *prio,
			   const char *enabled, bool by_default, int *n)
{
	Relation	rel = lw_table_open_read(relid);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	int			c_key = lw_table_column(rel, key);
	int			c_a = lw_table_column(rel, a);
	int			c_b = b ? lw_table_column(rel, b) : -1;
	int			c_prio = prio ? lw_table_column(rel, prio) : -1;
	int			c_enabled = enabled ? lw_table_column(rel, enabled) : -1;
	int			c_default = by_default ? lw_table_column(rel, "is_default") : -1;
	int			cap = 256;
	RuleRow    *rows = palloc(sizeof(RuleRow) * cap);

	*n = 0;
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		RuleRow    *r;

		CHECK_FOR_INTERRUPTS();
		slot_getallattrs(slot);
		if (c_enabled >= 0 && !DatumGetBool(slot->tts_values[c_enabled]))
			continue;
		if (*n == cap)
		{
			cap *= 2;
			rows = repalloc(rows, sizeof(RuleRow) * cap);
		}
		r = &rows[(*n)++];
		r->key = text_or_null(slot, c_key);
		r->a = text_or_null(slot, c_a);
		r->b = c_b >= 0 ? text_or_null(slot, c_b) : NULL;
		r->priority = c_prio >= 0 && !slot->tts_isnull[c_prio] ? DatumGetInt32(slot->tts_values[c_prio]) : 0;
		r->is_default = c_default >= 0 && DatumGetBool(slot->tts_values[c_default]);
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);	/* (the lock, as SQL's, until the transaction ends) */
	qsort(rows, *n, sizeof(RuleRow), rule_row_cmp);
	return rows;
}

/* load_rules, by direct scans: the same rows in the same order */
static GenreRuleSet *
load_rules_direct(MemoryContext cxt)
{
	GenreRuleSet *rs = genre_ruleset_create(genre_palloc, cxt);
	RuleRow    *rows;
	int			n;

	rows = read_rule_rows(cache_relids[0], "family", "genre_group", NULL, "priority", NULL, false, &n);
	for (int i = 0; i < n; i++)
		genre_ruleset_add_family(rs, rows[i].key, group_of(rows[i].a), rows[i].priority);

	rows = read_rule_rows(cache_relids[1], "alias", "canonical", NULL, NULL, "enabled", true, &n);
	for (int i = 0; i < n; i++)
		genre_ruleset_add_alias(rs, cstring_utf8(rows[i].key), cstring_utf8(rows[i].a));

	rows = read_rule_rows(cache_relids[2], "pattern", "family", "genre_group", "priority", "enabled", true, &n);
	for (int i = 0; i < n; i++)
		genre_ruleset_add_rule(rs, cstring_utf8(rows[i].key), family_of(rs, rows[i].a),
							   group_of(rows[i].b), rows[i].priority);

	rows = read_rule_rows(cache_relids[3], "genre", "family", "genre_group", NULL, NULL, false, &n);
	for (int i = 0; i < n; i++)
		genre_ruleset_add_override(rs, cstring_utf8(rows[i].key), family_of(rs, rows[i].a),
								   group_of(rows[i].b));

	genre_ruleset_finish(rs);
	return rs;
}

/* The compiled rules, loading them if they changed. */
static GenreRuleSet *
genre_rules_get(void)
{
	Oid			nsp;
	MemoryContext cxt;
	GenreRuleSet *volatile rs = NULL;
	uint64		invals_before;
	volatile bool pushed = false;

	/*
	 * In parallel mode we must read with the query's snapshot, which may
	 * predate an invalidation we already processed: such rules serve the
	 * parallel query and are reloaded by the next call outside it.
	 */
	if (cache_valid && cache_rs != NULL && (cache_exact || IsInParallelMode()))
		return cache_rs;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(genre_relcache_callback, (Datum) 0);
		callback_registered = true;
	}

	/* process what is pending; whatever comes later makes us reload again */
	AcceptInvalidationMessages();
	invals_before = cache_invals;

	nsp = get_namespace_oid(GENRE_SCHEMA, false);
	for (int i = 0; i < GENRE_NTABLES; i++)
	{
		cache_relids[i] = get_relname_relid(genre_tables[i], nsp);
		if (!OidIsValid(cache_relids[i]))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s.%s\" does not exist",
							GENRE_SCHEMA, genre_tables[i])));
	}

	/*
	 * Built in a child of the current context, so an error frees it; moved
	 * to the long-lived context once complete.
	 */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "listen_wiseer genre rules",
								ALLOCSET_DEFAULT_SIZES);
	if (!IsInParallelMode())
	{
		PushActiveSnapshot(GetLatestSnapshot());
		pushed = true;
	}
	PG_TRY();
	{
		bool		rls = false;

		/* (row-level security on a rule table: only SQL applies its policies) */
		for (int i = 0; i < GENRE_NTABLES; i++)
			rls = rls || lw_table_rls(cache_relids[i]);
		rs = rls ? load_rules(cxt) : load_rules_direct(cxt);
	}
	PG_FINALLY();
	{
		if (pushed)
			PopActiveSnapshot();
	}
	PG_END_TRY();

	/*
	 * The old rules may still be referenced by a running aggregate: keep
	 * them until the end of the transaction.
	 */
	if (cache_cxt != NULL)
		MemoryContextSetParent(cache_cxt, TopTransactionContext);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	cache_cxt = cxt;
	cache_rs = rs;
	cache_valid = (cache_invals == invals_before);
	cache_exact = pushed;
	return rs;
}

/* Scratch buffer for one genre: on the stack when short. */
#define SCRATCH_STACK 1024

typedef struct Scratch
{
	char		stack[SCRATCH_STACK];
	char	   *buf;
} Scratch;

static char *
scratch_for(Scratch *s, size_t len)
{
	size_t		need = genre_normalized_size(len);

	s->buf = need <= SCRATCH_STACK ? s->stack : palloc(need);
	return s->buf;
}

static void
scratch_free(Scratch *s)
{
	if (s->buf != s->stack)
		pfree(s->buf);
}

static bool
classify_text(GenreRuleSet *rs, text *t, GenreMatch *m)
{
	Scratch		s;
	size_t		len = VARSIZE_ANY_EXHDR(t);
	const char *in = to_utf8(VARDATA_ANY(t), &len);
	bool		found;

	found = genre_classify(rs, in, len, scratch_for(&s, len), m);
	scratch_free(&s);
	return found;
}

static TupleDesc
result_tupdesc(FunctionCallInfo fcinfo)
{
	TupleDesc	td;

	if (fcinfo->flinfo->fn_extra != NULL)
		return (TupleDesc) fcinfo->flinfo->fn_extra;
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		td = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
	}
	fcinfo->flinfo->fn_extra = td;
	return td;
}

static Datum
make_result(FunctionCallInfo fcinfo, const char *const *values, int n)
{
	TupleDesc	td = result_tupdesc(fcinfo);
	Datum		d[8];
	bool		nulls[8];

	Assert(n <= 8 && n == td->natts);
	for (int i = 0; i < n; i++)
	{
		nulls[i] = values[i] == NULL;
		d[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(values[i]);
	}
	return HeapTupleGetDatum(heap_form_tuple(td, d, nulls));
}

/* genre_map(genre text, OUT family text, OUT genre_group text) */
Datum
genre_map(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	GenreMatch	m;
	const char *v[2];

	classify_text(rs, PG_GETARG_TEXT_PP(0), &m);
	v[0] = genre_family_name(rs, m.family);
	v[1] = m.group >= 0 ? genre_group_names[m.group] : NULL;
	PG_RETURN_DATUM(make_result(fcinfo, v, 2));
}

/* genre_family(genre text) -> text */
Datum
genre_family(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	GenreMatch	m;

	classify_text(rs, PG_GETARG_TEXT_PP(0), &m);
	if (m.family < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(genre_family_name(rs, m.family)));
}

/* genre_group(genre text) -> text */
Datum
genre_group(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	GenreMatch	m;

	classify_text(rs, PG_GETARG_TEXT_PP(0), &m);
	if (m.group < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(genre_group_names[m.group]));
}

/* The normalised form of a text value, palloc'd. */
static char *
normalize_text(GenreRuleSet *rs, text *t)
{
	size_t		len = VARSIZE_ANY_EXHDR(t);
	const char *in = to_utf8(VARDATA_ANY(t), &len);
	char	   *scratch = palloc(genre_normalized_size(len));
	size_t		outsize = genre_normalized_size(len) + 64;
	char	   *out = palloc(outsize);
	size_t		n = genre_normalize(rs, in, len, scratch, out, outsize);

	if (n >= outsize)
	{
		/* aliases made it longer: now we know how long */
		outsize = n + 1;
		out = repalloc(out, outsize);
		genre_normalize(rs, in, len, scratch, out, outsize);
	}
	pfree(scratch);
	return from_utf8(out, n);
}

/* genre_normalize(genre text) -> text: what the rules and overrides see */
Datum
genre_normalize_sql(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_TEXT_P(cstring_to_text(normalize_text(rs, t)));
}

/*
 * genre_map_explain(genre text, OUT normalized, OUT family, OUT genre_group,
 *                   OUT source, OUT family_rule, OUT group_rule)
 */
Datum
genre_map_explain(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	text	   *t = PG_GETARG_TEXT_PP(0);
	GenreMatch	m;
	const char *v[6];

	classify_text(rs, t, &m);
	v[0] = normalize_text(rs, t);
	v[1] = genre_family_name(rs, m.family);
	v[2] = m.group >= 0 ? genre_group_names[m.group] : NULL;
	v[3] = m.overridden ? "override" : (m.family >= 0 || m.group >= 0) ? "rules" : NULL;
	v[4] = genre_rule_pattern(rs, m.family_rule);
	v[5] = genre_rule_pattern(rs, m.group_rule);
	PG_RETURN_DATUM(make_result(fcinfo, v, 6));
}

/* ------------------------------------------------------------------ votes */

/*
 * Feeds the elements of a text[] to a voter with one weight; order keys
 * are base + element index.
 */
static void
vote_array(GenreVoter *v, ArrayType *arr, double weight, long base)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(arr) == 0)
		return;
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		text	   *t;
		Scratch		s;
		size_t		len;
		const char *in;

		if (nulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		len = VARSIZE_ANY_EXHDR(t);
		in = to_utf8(VARDATA_ANY(t), &len);
		genre_voter_add(v, in, len, weight, base + i, scratch_for(&s, len));
		scratch_free(&s);
	}
	pfree(elems);
	pfree(nulls);
}

static Datum
vote_result(FunctionCallInfo fcinfo, GenreVoter *v, GenreRuleSet *rs)
{
	int			family,
				group;
	const char *top;
	size_t		top_len;
	const char *vals[3];

	if (!genre_voter_result(v, &family, &group, &top, &top_len))
		PG_RETURN_NULL();
	vals[0] = genre_family_name(rs, family);
	vals[1] = group >= 0 ? genre_group_names[group] : NULL;
	vals[2] = from_utf8(top, top_len);
	PG_RETURN_DATUM(make_result(fcinfo, vals, 3));
}

/* genre_vote(genres text[]) -> genre_vote_result; NULL if nothing maps */
Datum
genre_vote(PG_FUNCTION_ARGS)
{
	GenreRuleSet *rs = genre_rules_get();
	GenreVoter *v = genre_voter_create(rs, genre_palloc, CurrentMemoryContext);

	vote_array(v, PG_GETARG_ARRAYTYPE_P(0), 1.0, 0);
	return vote_result(fcinfo, v, rs);
}

/*
 * genre_vote_agg(genres text[], artist_position integer): one row per
 * credited artist of a track; an artist at position p votes with weight
 * 1 / (p + 1).  Rows with NULL genres or NULL position do not vote.
 */
#define VOTE_POSITION_STRIDE 100000L

typedef struct VoteState
{
	GenreRuleSet *rs;
	GenreVoter *voter;
} VoteState;

Datum
genre_vote_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	VoteState  *st;
	int32		pos;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "genre_vote_agg_transfn called in non-aggregate context");
	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAlloc(aggcxt, sizeof(VoteState));
		st->rs = genre_rules_get();
		st->voter = genre_voter_create(st->rs, genre_palloc, aggcxt);
	}
	else
		st = (VoteState *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	pos = PG_GETARG_INT32(2);
	if (pos < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("artist position must not be negative, not %d", pos)));
	vote_array(st->voter, PG_GETARG_ARRAYTYPE_P(1), 1.0 / ((double) pos + 1.0),
			   (long) Min(pos, 20000) * VOTE_POSITION_STRIDE);
	PG_RETURN_POINTER(st);
}

Datum
genre_vote_agg_finalfn(PG_FUNCTION_ARGS)
{
	VoteState  *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (VoteState *) PG_GETARG_POINTER(0);
	return vote_result(fcinfo, st->voter, st->rs);
}

/* ---------------------------------------------------------------- trigger */

/*
 * Statement trigger on the rule tables: tells every backend (this one at
 * the end of the command, the others at commit) that the rules changed.
 */
Datum
genre_rules_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("genre_rules_changed() must be called as a trigger")));
	td = (TriggerData *) fcinfo->context;
	CacheInvalidateRelcache(td->tg_relation);
	return PointerGetDatum(NULL);
}
