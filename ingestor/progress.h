/*
 * progress.h - progress of a long step: on a terminal one line rewritten in place
 * ("done/total, rate, time left"), otherwise nothing until the caller's summary line (cron).
 */
#ifndef LW_PROGRESS_H
#define LW_PROGRESS_H

typedef struct lw_progress
{
	const char *label;			/* "ReccoBeats: tracks" */
	long		total;
	long		done;
	double		t0;
	double		last_print;
	int			tty;
} lw_progress;

void		lw_progress_start(lw_progress *p, const char *label, long total);
void		lw_progress_add(lw_progress *p, long n);
/* Clear the terminal line (nothing when not a terminal). Seconds since start. */
double		lw_progress_end(lw_progress *p);

#endif							/* LW_PROGRESS_H */
