/*
 * publish_store.h - the database side of `lw-ingest publish`: the rules
 * (listen_wiseer.publish_rules), the recommend() answer, and the publish log
 * (listen_wiseer.publish_runs). Runs on the session of a lw_store (store.h), which holds the
 * ingest lock. Every write is one statement, so each commits on its own: in particular the
 * id of a created playlist is committed before any item is written.
 * Functions return 0, or -1 with msg set (one line).
 */
#ifndef LW_PUBLISH_STORE_H
#define LW_PUBLISH_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "store.h"

typedef struct lw_publish_rule
{
	char	   *rule;
	char	   *source;			/* source playlist: id or name, as recommend() takes it */
	char	   *target_name;
	int			n;
	char	   *method;			/* recommend() options: NULL / -1 = recommend()'s default */
	int			genre_filter;
	int			exclude_outliers;
	int			max_per_artist;
	char	   *target_id;		/* the playlist lw-ingest created; NULL until then */
	char	  **published;		/* URIs last written, in order */
	int			n_published;	/* -1: nothing published (or the write did not complete) */
	char		marker[16];		/* stable per rule: goes into the playlist's description */
} lw_publish_rule;

void		lw_publish_rule_free(lw_publish_rule *r);

/* The publish tables exist (the extension is 1.1 or later). */
int			lw_pstore_check_schema(lw_store *st, char *msg, size_t msgsz);

/*
 * The rule named `name` with the command line's --name/--n/--method/... applied: created with
 * the defaults (source = name, target "<name> · more like this", n 30) when absent. With
 * keep = false (dry run) nothing is stored.
 */
int			lw_pstore_rule_from_cli(lw_store *st, const lw_config *cfg, const char *name,
									bool keep, lw_publish_rule *out, char *msg, size_t msgsz);

/* Every enabled rule, by name. */
int			lw_pstore_rules_enabled(lw_store *st, lw_publish_rule **out, int *n, char *msg,
									size_t msgsz);

/* recommend(source, n => n, options...): the track ids in rank order (entries may be NULL). */
int			lw_pstore_answer(lw_store *st, const lw_publish_rule *r, char ***ids, int *n,
							 char *msg, size_t msgsz);
void		lw_pstore_free_ids(char **ids, int n);

/*
 * May the rule write into target_id? *is_source: it is the rule's source playlist;
 * *created: a logged run of this rule created (or adopted) it.
 */
int			lw_pstore_target_check(lw_store *st, const lw_publish_rule *r, const char *target_id,
								   bool *is_source, bool *created, char *msg, size_t msgsz);

/* A publish_runs row 'running' (earlier 'running' rows, of dead runs, become 'failed'). */
int			lw_pstore_run_begin(lw_store *st, const char *rule, long long *run_id, char *msg,
								size_t msgsz);

/* The rule's new target (and no published items yet), and the run's created_target. */
int			lw_pstore_record_target(lw_store *st, const char *rule, long long run_id,
									const char *target_id, char *msg, size_t msgsz);

/*
 * Forget what was last published, before the items are replaced: a replacement that does not
 * complete must not leave the old list standing for "unchanged" (the playlist holds neither).
 */
int			lw_pstore_forget_published(lw_store *st, const char *rule, char *msg, size_t msgsz);

typedef struct lw_publish_end
{
	const char *outcome;		/* created | replaced | unchanged | failed | needs_login | ... */
	const char *target_id;		/* may be NULL */
	const char *snapshot_id;	/* may be NULL */
	int			track_count;	/* -1: unknown (NULL) */
	int			skipped_count;
	int			write_requests;
	const char *error;			/* may be NULL */
	const char *published_literal;	/* text[] literal: also store it as the rule's published
									 * items (with snapshot_id), in the same statement */
} lw_publish_end;

int			lw_pstore_run_finish(lw_store *st, const char *rule, long long run_id,
								 const lw_publish_end *end, char *msg, size_t msgsz);

#endif							/* LW_PUBLISH_STORE_H */
