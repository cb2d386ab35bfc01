/*
 * progress.c - a one-line progress display on stderr when it is a terminal (progress.h).
 */
#include "progress.h"
#include "util.h"

#include <stdio.h>
#include <unistd.h>

void
lw_progress_start(lw_progress *p, const char *label, long total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->t0 = lw_monotonic();
	p->last_print = 0;
	p->tty = isatty(2);
}

void
lw_progress_add(lw_progress *p, long n)
{
	double		now = lw_monotonic();
	double		el = now - p->t0;
	double		rate;
	long		left;

	p->done += n;
	if (!p->tty || (now - p->last_print < 0.25 && p->done < p->total))
		return;
	p->last_print = now;
	rate = el > 0 ? p->done / el : 0;
	left = rate > 0 && p->total > p->done ? (long) ((p->total - p->done) / rate) : 0;
	fprintf(stderr, "\r\033[Klw-ingest: %s %ld/%ld  %.1f/s  %ldm%02lds left",
			p->label, p->done, p->total, rate, left / 60, left % 60);
	fflush(stderr);
}

double
lw_progress_end(lw_progress *p)
{
	if (p->tty && p->last_print > 0)
	{
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	return lw_monotonic() - p->t0;
}
