/*
 * report_svg.h - the pieces report_html.c builds the page from: HTML escaping of everything that
 * comes from the database, attributes, numbers, colours.
 */
#ifndef LW_REPORT_SVG_H
#define LW_REPORT_SVG_H

#include "util.h"

/* Append s with & < > " ' escaped (text and attribute values alike); NULL appends nothing. */
void		lw_html_escape(lw_buf *b, const char *s);

/* Append ` name="value"` with value escaped. */
void		lw_html_attr(lw_buf *b, const char *name, const char *value);

/* Append <title>text</title> (escaped): the tooltip, and what a test reads. */
void		lw_svg_title(lw_buf *b, const char *text);

/* A number the database printed; 0 for NULL/empty or text that is not a number. */
double		lw_report_num(const char *s);

/* Fill colour of a genre group (fixed palette; grey for 'unknown' and anything else). */
const char *lw_group_colour(const char *group);

/* Fill colour of a run status (ok green, partial amber, failed/needs_login red, running grey). */
const char *lw_status_colour(const char *status);

#endif							/* LW_REPORT_SVG_H */
