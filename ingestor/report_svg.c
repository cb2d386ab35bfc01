/*
 * report_svg.c - escaping and small shared pieces of the HTML report (see report_svg.h).
 */
#include "report_svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
lw_html_escape(lw_buf *b, const char *s)
{
	const char *start = s;

	if (s == NULL)
		return;
	for (; *s; s++)
	{
		const char *rep = NULL;

		switch (*s)
		{
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = "&quot;";
				break;
			case '\'':
				rep = "&#39;";
				break;
			default:
				/* control characters other than tab and newline have no business in a page */
				if ((unsigned char) *s < 0x20 && *s != '\t' && *s != '\n')
					rep = " ";
		}
		if (rep)
		{
			lw_buf_append(b, start, (size_t) (s - start));
			lw_buf_puts(b, rep);
			start = s + 1;
		}
	}
	lw_buf_append(b, start, (size_t) (s - start));
}

void
lw_html_attr(lw_buf *b, const char *name, const char *value)
{
	lw_buf_printf(b, " %s=\"", name);
	lw_html_escape(b, value);
	lw_buf_puts(b, "\"");
}

void
lw_svg_title(lw_buf *b, const char *text)
{
	lw_buf_puts(b, "<title>");
	lw_html_escape(b, text);
	lw_buf_puts(b, "</title>");
}

double
lw_report_num(const char *s)
{
	char	   *end;
	double		v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtod(s, &end);
	return (*end == '\0' && isfinite(v)) ? v : 0;
}

const char *
lw_group_colour(const char *group)
{
	static const struct
	{
		const char *group;
		const char *colour;
	}			palette[] = {
		{"acoustic", "#d08c2d"}, {"dance", "#c8417b"}, {"electronic", "#3a7dc9"},
		{"instrumental", "#3f9b6e"},
	};

	for (size_t i = 0; group && i < sizeof(palette) / sizeof(palette[0]); i++)
		if (strcmp(group, palette[i].group) == 0)
			return palette[i].colour;
	return "#b4b4b4";
}

const char *
lw_status_colour(const char *status)
{
	if (status && strcmp(status, "ok") == 0)
		return "#3f9b6e";
	if (status && strcmp(status, "partial") == 0)
		return "#e0a526";
	if (status && (strcmp(status, "failed") == 0 || strcmp(status, "needs_login") == 0))
		return "#c8413b";
	return "#9a9a9a";
}
