/*
 * enrich_parse_int.h - helpers shared by the enrichment parsers (not for other layers).
 */
#ifndef LW_ENRICH_PARSE_INT_H
#define LW_ENRICH_PARSE_INT_H

#include "enrich_parse.h"

/* Append a copy (skips empty, over-long, duplicate names and past the list's limit). 1 = added. */
int			lw_genre_list_add(lw_genre_list *g, const char *name, long count);

/* Sort by count, highest first, keeping the order of equal counts. */
void		lw_genre_list_sort_by_count(lw_genre_list *g);

/* The last path segment of a URL (before ?/#, trailing slashes ignored); NULL if none. */
const char *lw_enrich_url_tail(const char *url);

/* Whether the URL's last path segment is exactly id. */
int			lw_enrich_tail_eq(const char *url, const char *id);

#endif							/* LW_ENRICH_PARSE_INT_H */
