/*
 * test/sklearn/iforest_driver.c
 *
 * Standalone driver for the pure forest (extension/iforest.c), no PostgreSQL:
 * reads rows of comma-separated numbers on stdin, prints one score per line.
 *   iforest_driver [n_trees [sample_size [seed]]]
 * Used to check the algorithm against scikit-learn without a cluster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iforest.h"

static void *
xalloc(void *ctx, size_t size)
{
	void	   *p = malloc(size ? size : 1);

	(void) ctx;
	if (p == NULL)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

static void
xrelease(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

int
main(int argc, char **argv)
{
	IFAllocator a = {xalloc, xrelease, NULL, NULL};
	int			n_trees = argc > 1 ? atoi(argv[1]) : IF_DEFAULT_TREES;
	int			sample_size = argc > 2 ? atoi(argv[2]) : IF_DEFAULT_SAMPLE_SIZE;
	unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : IF_DEFAULT_SEED;
	size_t		cap = 1024,
				used = 0;
	double	   *data = xalloc(NULL, cap * sizeof(double));
	int			d = -1,
				n = 0;
	char		line[65536];
	IForest		f;
	double	   *scores;
	int			i;

	while (fgets(line, sizeof line, stdin))
	{
		char	   *p = line;
		int			k = 0;

		if (line[0] == '\n' || line[0] == '\0')
			continue;
		for (;;)
		{
			char	   *end;
			double		v = strtod(p, &end);

			if (end == p)
				break;
			if (used == cap)
			{
				double	   *nd = xalloc(NULL, 2 * cap * sizeof(double));

				memcpy(nd, data, cap * sizeof(double));
				free(data);
				data = nd;
				cap *= 2;
			}
			data[used++] = v + 0.0;
			k++;
			p = end;
			if (*p == ',')
				p++;
		}
		if (d < 0)
			d = k;
		else if (k != d)
		{
			fprintf(stderr, "row %d has %d values, expected %d\n", n + 1, k, d);
			return 2;
		}
		n++;
	}
	if (n == 0)
	{
		free(data);
		return 0;
	}
	if_build(&f, data, n, d, n_trees, sample_size, seed, &a);
	scores = xalloc(NULL, sizeof(double) * n);
	if_score_rows(&f, data, n, scores, &a);
	for (i = 0; i < n; i++)
		printf("%.17g\n", scores[i]);
	free(scores);
	free(f.nodes);
	free(f.tree_start);
	free(data);
	return 0;
}
