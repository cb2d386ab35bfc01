-- The PL/pgSQL recommend() of listen_wiseer 1.1 before its orchestration
-- moved to C (extension/recommend_run.c), kept for test/bench/recommend_demo.sh
-- as the reference: the bench times both in the same run and checks that
-- they return the same rows.  Installed as public.recommend_plpgsql, in the
-- bench database only.  (It calls the same C scoring helpers.)
CREATE FUNCTION public.recommend_plpgsql(
		playlist        text,
		n               bigint DEFAULT 20,
		method          text DEFAULT 'cosine',
		genre_filter    boolean DEFAULT true,
		exclude_outliers boolean DEFAULT true,
		max_per_artist  integer DEFAULT 3,
		source          text DEFAULT 'all')
	RETURNS TABLE (rank integer, track_id text, track_name text, artists text,
	               score double precision, similarity double precision, genre_group text, reason text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	-- The statements keep their plans from call to call (the default choice
	-- between custom and generic plans; re-planning every statement of every
	-- call cost a third of a call), except the round below, which is planned
	-- for its actual genre keys and member list (GIN, hashed NOT IN).
	SET plan_cache_mode = auto
AS $$
#variable_conflict use_column
DECLARE
	wt         record;                             -- listen_wiseer.recommend_weights()
	w_near     double precision;                   -- weight of the nearest-members similarity

	pid        text;
	member_ids text[];
	mv         public.feature_vector[];       -- vectors of the profile members
	mids       text[];                             -- their track ids
	mtids      tid[];                              -- and their rows in recommend_pool
	prof       public.feature_vector;
	model      public.isolation_forest_model;
	cutoff     double precision;                   -- candidates scoring above are outliers
	g_keys text[]; g_shares double precision[];
	g_pct  double precision[];                     -- the genres' share of the members (for reasons)
	f_keys text[]; f_shares double precision[];
	q_keys text[]; q_shares double precision[];
	a_keys text[]; a_shares double precision[];   -- artists: their affinity (below)
	a_raw  double precision[];                     -- and their share of the members
	other_max  double precision;
	bound      double precision;
	exhaustive boolean;
	seqscan    text;                               -- the caller's enable_seqscan
	artist_max double precision;
	a_hi       text[];                             -- the members' artists scored apart
	a_lib      double precision[];                 -- the artists' other tracks with features (at most)
	cover      bigint;
	sig_t      double precision;
	full_next  boolean := false;
	m          bigint;
	fetched    bigint;
	min_ub     double precision;
	c_ids      text[];
	c_artists  text[];
	c_vs       public.feature_vector[];
	c_totals   double precision[];
	i          integer;
	picked     text[];
	picked_score double precision[];
	used_artists text[];
	r          record;
	n_members  integer;
	src_lib    boolean;                            -- candidates: NULL every track, true the library's, false the catalog's
BEGIN
	IF n IS NULL OR n < 0 THEN
		RAISE EXCEPTION 'n must be zero or more, not %', COALESCE(n::text, 'null')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_per_artist IS NOT NULL AND max_per_artist < 1 THEN
		RAISE EXCEPTION 'max_per_artist must be 1 or more (or null for no limit), not %', max_per_artist
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF method IS NULL THEN
		RAISE EXCEPTION 'method must not be null' USING ERRCODE = 'null_value_not_allowed',
			HINT = 'Use ''cosine'' (profile and nearest members), ''centroid'' or ''nearest''.';
	END IF;
	-- a NULL switch means its default (as a BI tool passing every parameter may send)
	genre_filter := COALESCE(genre_filter, true);
	source := COALESCE(source, 'all');
	IF source NOT IN ('all', 'library', 'catalog') THEN
		RAISE EXCEPTION 'unknown recommendation source "%"',
			CASE WHEN pg_catalog.length(source) > 200 THEN pg_catalog.left(source, 200) || '...' ELSE source END
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use ''all'' (library and catalog), ''library'' or ''catalog'' (catalog tracks not in the library).';
	END IF;
	src_lib := CASE source WHEN 'library' THEN true WHEN 'catalog' THEN false END;
	-- (more rows than an integer rank counts cannot be returned anyway)
	n := LEAST(n, 2147483647);
	exclude_outliers := COALESCE(exclude_outliers, true);
	SELECT * INTO wt FROM listen_wiseer.recommend_weights();
	w_near := CASE method WHEN 'cosine' THEN wt.near WHEN 'centroid' THEN 0.0 WHEN 'nearest' THEN 1.0 END;
	IF w_near IS NULL THEN
		RAISE EXCEPTION 'unknown recommendation method "%"', method
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use ''cosine'' (profile and nearest members), ''centroid'' or ''nearest''.';
	END IF;
	pid := listen_wiseer.resolve_playlist(playlist);
	IF n = 0 THEN
		RETURN;
	END IF;

	-- Current members; those with a vector make up the profile.
	SELECT pg_catalog.array_agg(DISTINCT pt.track_id) INTO member_ids
	  FROM listen_wiseer.playlist_tracks pt
	 WHERE pt.playlist_id = pid AND pt.removed_at IS NULL;
	-- (their row addresses too: the shares below re-read the kept members by
	-- address, which costs no second index lookup; one snapshot for the whole
	-- call, as the function is STABLE, so the addresses stay valid)
	SELECT pg_catalog.array_agg(p.v ORDER BY p.track_id), pg_catalog.array_agg(p.track_id ORDER BY p.track_id),
	       pg_catalog.array_agg(p.ctid ORDER BY p.track_id)
	  INTO mv, mids, mtids
	  FROM listen_wiseer.recommend_pool p
	 WHERE p.track_id = ANY (member_ids);
	n_members := COALESCE(pg_catalog.cardinality(mids), 0);
	IF n_members = 0 THEN
		RAISE NOTICE 'playlist "%" has no tracks with audio features: nothing to recommend from', playlist;
		RETURN;
	END IF;

	-- Leave the playlist's own outliers out of the profile, and remember how
	-- isolated the most isolated member is: a candidate more isolated than
	-- every member would be the playlist's worst outlier.  (Cutting at the
	-- kept members instead dropped good candidates at the playlist's edge:
	-- recall@20 0.626 -> 0.593 in make eval.)
	IF exclude_outliers AND n_members >= wt.min_forest THEN
		SELECT public.isolation_forest(m.v) INTO model FROM pg_catalog.unnest(mv) AS m(v);
		WITH s AS (
			SELECT m.id, m.v, m.tid, public.isolation_forest_score(model, m.v) AS sc
			  FROM ROWS FROM (pg_catalog.unnest(mids), pg_catalog.unnest(mv), pg_catalog.unnest(mtids)) AS m(id, v, tid)
		), ranked AS (
			SELECT s.*, pg_catalog.row_number() OVER (ORDER BY s.sc DESC, s.id) AS rn FROM s
		)
		SELECT pg_catalog.array_agg(x.v ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.array_agg(x.id ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.array_agg(x.tid ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.max(x.sc)
		  INTO mv, mids, mtids, cutoff
		  FROM ranked x,
		       LATERAL (SELECT pg_catalog.ceil(wt.contamination * n_members)::integer AS flagged) k;
	END IF;

	SELECT public.avg(m.v) INTO prof FROM pg_catalog.unnest(mv) AS m(v);

	-- Over the profile members:
	-- * each genre's affinity to the playlist (g_shares): the part of the
	--   library's tracks carrying the genre that are members, +1 in the
	--   denominator ("this playlist holds 40% of your lo-fi beats" says more
	--   than "lo-fi beats is 10% of this playlist": a big genre is a big share
	--   of any playlist it touches); g_pct keeps the share for the reasons;
	-- * of the members with known genres, the share carrying each family and
	--   group;
	-- * of all, the share credited to each artist (a_raw, +1 in the
	--   denominator: a playlist of one track is weak evidence of a one-artist
	--   playlist), and the artist's affinity (a_shares): the artist's members
	--   against the artist's other tracks, the odds that one of those belongs
	--   (+1: one track of one is weaker evidence than eight of ten), at most 2.
	--   A playlist holding most of an artist's tracks is the strongest sign
	--   their other tracks belong; the share of the playlist is not: 3 tracks
	--   of a 60-track list is 5% however telling.
	g_keys := '{}'; g_shares := '{}'; g_pct := '{}'; f_keys := '{}'; f_shares := '{}';
	q_keys := '{}'; q_shares := '{}'; a_keys := '{}'; a_shares := '{}'; a_lib := '{}';
	FOR r IN
		WITH g AS MATERIALIZED (
			SELECT p.genres, p.families, p.groups, p.artist_ids,
			       (p.genres IS NOT NULL AND p.genres <> '{}') AS known
			  FROM listen_wiseer.recommend_pool p
			 WHERE p.ctid = ANY (mtids)
		), tot AS (
			SELECT GREATEST(pg_catalog.count(*) FILTER (WHERE g.known), 1)::double precision AS known,
			       GREATEST(pg_catalog.count(*), 1)::double precision AS everyone
			  FROM g
		), u AS (
			SELECT 'g' AS kind, x.k FROM g, pg_catalog.unnest(g.genres) x(k) WHERE g.known
			UNION ALL SELECT 'f', x.k FROM g, pg_catalog.unnest(g.families) x(k) WHERE g.known
			UNION ALL SELECT 'q', x.k FROM g, pg_catalog.unnest(g.groups) x(k) WHERE g.known
			UNION ALL SELECT 'a', x.k FROM g, pg_catalog.unnest(g.artist_ids) x(k)
		), lib AS (
			-- the members' artists' tracks in the pool (kept counted) ...
			-- (library_tracks: the evidence is the playlist against the library;
			-- tracks, every candidate, bounds the search)
			SELECT 'a' AS kind, x.artist_id AS k, x.library_tracks::double precision AS cnt,
			       x.tracks::double precision AS everywhere
			  FROM listen_wiseer.recommend_artist_tracks x
			 WHERE x.artist_id = ANY ((SELECT pg_catalog.array_agg(DISTINCT u.k) FROM u WHERE u.kind = 'a')::text[])
			UNION ALL
			-- ... and the tracks carrying each of the members' genres (from the
			-- signatures that hold one of them)
			SELECT 'g', x.k, pg_catalog.sum(s.library_tracks)::double precision, NULL
			  FROM listen_wiseer.recommend_signatures s, pg_catalog.unnest(s.genres) x(k)
			 WHERE s.genres OPERATOR(pg_catalog.&&) ((SELECT pg_catalog.array_agg(DISTINCT u.k) FROM u WHERE u.kind = 'g')::text[])
			 GROUP BY x.k
		)
		SELECT c.kind,
		       pg_catalog.array_agg(c.k ORDER BY c.k) AS keys,
		       pg_catalog.array_agg(CASE c.kind
		                                 WHEN 'a' THEN LEAST(c.cnt / (GREATEST(COALESCE(lib.cnt, 0) - c.cnt, 0) + 1), 2.0)
		                                 WHEN 'g' THEN c.cnt / (COALESCE(lib.cnt, 0) + 1)
		                                 ELSE c.cnt / tot.known END
		                            ORDER BY c.k) AS shares,
		       pg_catalog.array_agg(c.cnt / tot.known ORDER BY c.k) AS pct,
		       pg_catalog.array_agg(c.cnt / (tot.everyone + 1) ORDER BY c.k) AS raw,
		       pg_catalog.array_agg(GREATEST(COALESCE(lib.everywhere, 0) - c.cnt, 0) ORDER BY c.k) AS libn
		  FROM (SELECT u.kind, u.k COLLATE "C" AS k, pg_catalog.count(*)::double precision AS cnt
		          FROM u GROUP BY u.kind, u.k COLLATE "C") c
		  CROSS JOIN tot
		  LEFT JOIN lib ON lib.kind = c.kind AND lib.k = c.k
		 GROUP BY c.kind
	LOOP
		CASE r.kind
			WHEN 'g' THEN g_keys := r.keys; g_shares := r.shares; g_pct := r.pct;
			WHEN 'f' THEN f_keys := r.keys; f_shares := r.shares;
			WHEN 'q' THEN q_keys := r.keys; q_shares := r.shares;
			ELSE a_keys := r.keys; a_shares := r.shares; a_raw := r.raw; a_lib := r.libn;
		END CASE;
	END LOOP;
	-- Genre affinities relative to the playlist's most affine genre (= 1): on
	-- a large library a playlist holds a small part of any genre, and the
	-- genre term would vanish next to the others (and with it the signature
	-- bounds that keep a call from reading the whole library).
	IF g_shares <> '{}' THEN
		g_shares := ARRAY(
			SELECT x.a / NULLIF((SELECT pg_catalog.max(y) FROM pg_catalog.unnest(g_shares) y), 0)
			  FROM pg_catalog.unnest(g_shares) WITH ORDINALITY AS x(a, i) ORDER BY x.i);
	END IF;
	-- Without any known genre in the playlist there is nothing to filter on.
	IF q_keys = '{}' THEN
		genre_filter := false;
	END IF;


	-- Ranking, exactly, without scoring the whole library:
	-- * the genre part of a candidate's score depends only on its genres, so
	--   each genre combination ("signature", listen_wiseer.recommend_signatures)
	--   sharing a genre with the playlist gets an upper bound: 1 (the most the
	--   two similarity terms can add) + its genre terms + the largest artist
	--   term.  Rounds read the tracks of the signatures above a threshold (at
	--   first those holding 8m tracks, then four times as many); a round is
	--   enough when its n-th pick beats "bound", the best score any candidate
	--   left out can reach (the next signature's bound, or 1 + every non-genre
	--   term at its maximum for a candidate sharing no genre at all).  The last
	--   round reads every candidate.
	-- * within a round, the cheap part of the score (everything but the
	--   nearest-members similarity, which is at most 1) gives an upper bound;
	--   the m candidates with the highest get their exact score, and the picks
	--   are exact when the n-th pick beats the bound of every candidate left
	--   out; otherwise m grows.
	-- The picks walk the exact order: at most max_per_artist per primary
	-- artist, or as many as the artist's share of the playlist (a_raw) gives
	-- of n (rounded up) if more: the picks are no more concentrated on one artist
	-- than the playlist itself.
	-- The library tracks of the members' artists of highest affinity (a_hi,
	-- as many artists as hold at most 4 x max(16n, 256) other tracks between them)
	-- are in every round and scored exactly; every other track's artist term
	-- is at most artist_max, the largest affinity of the artists left out (0
	-- when none is), so the signature bounds and "bound", which only ever
	-- cover those others, add artist_max (with the largest affinity of all
	-- there, nearly every signature passed).  An artist with no track outside
	-- the kept members has no candidate: it neither takes room in a_hi nor
	-- raises artist_max (a one-track artist's affinity is at its cap, and
	-- counting it made small playlists read nearly every signature).
	SELECT pg_catalog.array_agg(x.k) FILTER (WHERE x.cum <= 4 * GREATEST(16::bigint * n, 256)),
	       pg_catalog.max(x.a) FILTER (WHERE x.cum > 4 * GREATEST(16::bigint * n, 256))
	  INTO a_hi, artist_max
	  FROM (SELECT u.k, u.a, pg_catalog.sum(u.l) OVER (ORDER BY u.a DESC, u.k) AS cum
	          FROM ROWS FROM (pg_catalog.unnest(a_keys), pg_catalog.unnest(a_shares), pg_catalog.unnest(a_lib)) AS u(k, a, l)
	         WHERE u.l > 0) x;
	a_hi := COALESCE(a_hi, '{}');
	artist_max := wt.artist * COALESCE(artist_max, 0);
	other_max := wt.family * COALESCE((SELECT pg_catalog.max(x) FROM pg_catalog.unnest(f_shares) x), 0)
	           + wt.grp * COALESCE((SELECT pg_catalog.max(x) FROM pg_catalog.unnest(q_shares) x), 0)
	           + artist_max;
	exhaustive := COALESCE(pg_catalog.current_setting('listen_wiseer.recommend_exhaustive', true), '') = 'on';
	cover := 8 * GREATEST(16::bigint * n, 256);
	LOOP
		sig_t := NULL;
		bound := NULL;
		IF NOT exhaustive AND NOT full_next AND g_keys <> '{}' THEN
			-- the threshold: the signatures above it hold at least `cover` tracks
			SELECT pg_catalog.min(x.b) FILTER (WHERE x.cum - x.tracks < cover),
			       pg_catalog.max(x.b) FILTER (WHERE x.cum - x.tracks >= cover)
			  INTO sig_t, bound
			  FROM (SELECT sg.b, sg.tracks,
			               pg_catalog.sum(sg.tracks) OVER (ORDER BY sg.b DESC, sg.genres) AS cum
			          FROM (SELECT s.genres, s.tracks,
			                       1.0 + artist_max + listen_wiseer.recommend_base_score(prof, s.genres, s.families, s.groups, NULL,
			                           prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                           ARRAY[0, wt.genre, wt.family, wt.grp, 0]::double precision[]) AS b
			                  FROM listen_wiseer.recommend_signatures s
			                 WHERE s.genres OPERATOR(pg_catalog.&&) g_keys
			                   AND (NOT genre_filter OR s.groups = '{}' OR s.groups OPERATOR(pg_catalog.&&) q_keys)) sg) x;
			-- every signature is in: what is left shares no genre with the playlist,
			-- and if this round is not enough the next one reads everything
			full_next := bound IS NULL;
			bound := GREATEST(COALESCE(bound, 0), 1.0 + other_max);
		END IF;
		-- (4 x max(16n, 256) at first: with fewer the check below failed on
		-- nearly every benchmark playlist, and a second pass costs more than
		-- scoring the extra candidates exactly in the first)
		m := 4 * GREATEST(16::bigint * n, 256);
		LOOP
			-- one statement, not a cursor, so the scan may run in parallel;
			-- planned for this call's values (reverted at the function's exit)
			PERFORM pg_catalog.set_config('plan_cache_mode', 'force_custom_plan', true);
			-- and with the top artists' tracks read through their GIN index: the
			-- planner prices a scan with "artist_ids && <hundreds of ids>" as if
			-- the test were free, and on a 100,000-track library chose to read
			-- it all (0.9 s instead of 2 ms).  The last round reads everyone
			-- whatever this says.
			seqscan := pg_catalog.current_setting('enable_seqscan');
			PERFORM pg_catalog.set_config('enable_seqscan', CASE WHEN sig_t IS NULL THEN seqscan ELSE 'off' END, true);
			SELECT pg_catalog.array_agg(z.track_id ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.artist_ids[1] ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.v ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.total ORDER BY z.total DESC, z.track_id),
			       pg_catalog.min(z.cheap) + w_near, pg_catalog.count(*)
			  INTO c_ids, c_artists, c_vs, c_totals, min_ub, fetched
			  FROM (SELECT y.*, e.total
			          FROM (SELECT c.track_id, c.artist_ids, c.v, s.cheap
			                  FROM (-- a round: the tracks of the signatures above the threshold,
			                        -- one index scan each (OFFSET 0 keeps it a nested loop)
			                        SELECT p.*
			                          FROM listen_wiseer.recommend_signatures s
			                          CROSS JOIN LATERAL (
			                            SELECT p.* FROM listen_wiseer.recommend_pool p
			                             WHERE p.genres = s.genres OFFSET 0) p
			                         WHERE sig_t IS NOT NULL
			                           AND NOT listen_wiseer.recommend_overlaps(p.artist_ids, a_hi)
			                           AND s.genres OPERATOR(pg_catalog.&&) g_keys
			                           AND (NOT genre_filter OR s.groups = '{}' OR s.groups OPERATOR(pg_catalog.&&) q_keys)
			                           AND 1.0 + artist_max + listen_wiseer.recommend_base_score(prof, s.genres, s.families, s.groups, NULL,
			                                 prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                                 ARRAY[0, wt.genre, wt.family, wt.grp, 0]::double precision[]) >= sig_t
			                        UNION ALL
			                        -- and in every round, the tracks of the members' artists
			                        SELECT p.* FROM listen_wiseer.recommend_pool p
			                         WHERE sig_t IS NOT NULL
			                           AND p.artist_ids OPERATOR(pg_catalog.&&) a_hi
			                        UNION ALL
			                        -- the last round: everyone
			                        SELECT p.* FROM listen_wiseer.recommend_pool p WHERE sig_t IS NULL) c
			                  CROSS JOIN LATERAL (
			                    SELECT listen_wiseer.recommend_base_score(c.v, c.genres, c.families, c.groups, c.artist_ids,
			                               prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                               ARRAY[1.0 - w_near, wt.genre, wt.family, wt.grp, wt.artist]) AS cheap
			                  ) s
			                 WHERE true
			                   AND (NOT genre_filter OR c.groups = '{}' OR c.groups OPERATOR(pg_catalog.&&) q_keys)
			                   AND NOT listen_wiseer.recommend_in_set(c.track_id, member_ids)
			                   AND (src_lib IS NULL OR c.in_library = src_lib)
			                 ORDER BY s.cheap DESC, c.track_id
			                 LIMIT m) y
			          CROSS JOIN LATERAL (
			            SELECT y.cheap + CASE WHEN w_near = 0 THEN 0
			                                  ELSE w_near * COALESCE(listen_wiseer.recommend_neighbour_similarity(y.v, mv, wt.k_near), 0) END
			                   AS total) e
			        -- OFFSET 0: total is computed once per row, not once per
			        -- aggregate that orders by it (five times)
			        OFFSET 0) z;

			PERFORM pg_catalog.set_config('plan_cache_mode', 'auto', true);
			PERFORM pg_catalog.set_config('enable_seqscan', seqscan, true);
			picked := '{}'; picked_score := '{}'; used_artists := '{}';
			FOR i IN 1..COALESCE(pg_catalog.cardinality(c_ids), 0) LOOP
				-- diversity: at most max_per_artist picks per primary artist, or
				-- ceil(n x its share of the members) if more
				IF max_per_artist IS NOT NULL AND c_artists[i] IS NOT NULL AND
				   COALESCE(pg_catalog.cardinality(pg_catalog.array_positions(used_artists, c_artists[i])), 0)
				     >= GREATEST(max_per_artist,
				                 pg_catalog.ceil(n * COALESCE(a_raw[pg_catalog.array_position(a_keys, c_artists[i])], 0))::integer) THEN
					CONTINUE;
				END IF;
				-- a candidate this playlist's forest isolates more than every member
				IF cutoff IS NOT NULL AND public.isolation_forest_score(model, c_vs[i]) > cutoff THEN
					CONTINUE;
				END IF;
				picked := picked OPERATOR(pg_catalog.||) c_ids[i];
				picked_score := picked_score OPERATOR(pg_catalog.||) c_totals[i];
				IF c_artists[i] IS NOT NULL THEN
					used_artists := used_artists OPERATOR(pg_catalog.||) c_artists[i];
				END IF;
				EXIT WHEN pg_catalog.cardinality(picked) >= n;
			END LOOP;
			-- exact within the round: all of it was scored, or the n-th pick
			-- beats every candidate left out
			RAISE DEBUG 'recommend: signatures from %, m %, scored %, picks %, n-th %, ub left %, bound %',
				sig_t, m, fetched, pg_catalog.cardinality(picked), picked_score[n], min_ub, bound;
			-- (1e-9: the bounds and the scores add the same terms in another order)
			EXIT WHEN fetched < m
			       OR (pg_catalog.cardinality(picked) >= n AND picked_score[n] > min_ub + 1e-9);
			m := m * 4;
		END LOOP;
		EXIT WHEN sig_t IS NULL OR (pg_catalog.cardinality(picked) >= n AND picked_score[n] > bound + 1e-9);
		cover := cover * 4;
	END LOOP;

	RETURN QUERY
	WITH pk AS (
		SELECT u.id, u.sc, u.ord::integer AS ord
		  FROM ROWS FROM (pg_catalog.unnest(picked), pg_catalog.unnest(picked_score)) WITH ORDINALITY AS u(id, sc, ord)
	), credits AS (
		-- one aggregate over all picks: genre_vote_agg sets up its rules once
		SELECT x.track_id,
		       pg_catalog.string_agg(a.name, ', ' ORDER BY x.position) AS artists,
		       (public.genre_vote_agg(a.genres, x.position::integer)).genre_group AS genre_group
		  FROM listen_wiseer.track_artists x JOIN listen_wiseer.artists a ON a.artist_id = x.artist_id
		 WHERE x.track_id = ANY (picked)
		 GROUP BY x.track_id
	)
	SELECT pk.ord, pk.id, t.name, cr.artists, pk.sc,
	       -- the score's audio part alone, 0 to 1 (README.md, "recommend")
	       LEAST(GREATEST((1.0 - w_near) * (1.0 - (c.v OPERATOR(public.<=>) prof))
	                      + CASE WHEN w_near = 0 THEN 0
	                             ELSE w_near * COALESCE(listen_wiseer.recommend_neighbour_similarity(c.v, mv, wt.k_near), 0) END,
	                      0.0), 1.0),
	       cr.genre_group,
	       pg_catalog.concat_ws('; ',
	           -- a pick from outside the library says so (a library pick says nothing)
	           CASE WHEN NOT t.in_library
	                THEN pg_catalog.format('from catalog %s', pg_catalog.quote_literal(COALESCE(t.catalog, '?'))) END,
	           pg_catalog.format('closest to %s (similarity %s)', pg_catalog.quote_literal(mt.name),
	                             pg_catalog.round(nm.sim::numeric, 2)),
	           CASE WHEN gx.genre IS NOT NULL
	                THEN pg_catalog.format('genre %s like %s%% of the playlist', pg_catalog.quote_literal(gx.genre),
	                                       pg_catalog.round(100 * gx.share))
	                WHEN fx.family IS NOT NULL
	                THEN pg_catalog.format('genre family %s like %s%% of the playlist', pg_catalog.quote_literal(fx.family),
	                                       pg_catalog.round(100 * fx.share)) END,
	           'similar ' || fm.names)
	  FROM pk
	  LEFT JOIN credits cr ON cr.track_id = pk.id
	  JOIN listen_wiseer.recommend_pool c ON c.track_id = pk.id
	  JOIN listen_wiseer.tracks t ON t.track_id = pk.id
	  CROSS JOIN LATERAL (
		-- the nearest member (ORDER BY c.v <=> m.v, m.id LIMIT 1, in C)
		SELECT mids[q.k] AS id, 1.0 - (c.v OPERATOR(public.<=>) mv[q.k]) AS sim
		  FROM (SELECT listen_wiseer.recommend_nearest_member(c.v, mv, mids) AS k) q) nm
	  JOIN listen_wiseer.tracks mt ON mt.track_id = nm.id
	  LEFT JOIN LATERAL (
		SELECT g.genre, k.share
		  FROM pg_catalog.unnest(c.genres) AS g(genre)
		  JOIN ROWS FROM (pg_catalog.unnest(g_keys), pg_catalog.unnest(g_pct)) AS k(key, share) ON k.key = g.genre
		 ORDER BY k.share DESC, g.genre LIMIT 1) gx ON true
	  LEFT JOIN LATERAL (
		SELECT g.family, k.share
		  FROM pg_catalog.unnest(c.families) AS g(family)
		  JOIN ROWS FROM (pg_catalog.unnest(f_keys), pg_catalog.unnest(f_shares)) AS k(key, share) ON k.key = g.family
		 ORDER BY k.share DESC, g.family LIMIT 1) fx ON true
	  CROSS JOIN LATERAL (
		-- the two features where the track is nearest the playlist profile
		SELECT pg_catalog.string_agg(z.name, ' and ' ORDER BY z.gap, z.i) AS names
		  FROM (SELECT f.name, f.i, pg_catalog.round(pg_catalog.abs(cv[f.i] - pv[f.i])::numeric, 2) AS gap
		          FROM pg_catalog.unnest(listen_wiseer.feature_names()) WITH ORDINALITY AS f(name, i),
		               LATERAL (SELECT c.v::real[] AS cv, prof::real[] AS pv) q
		         WHERE pg_catalog.cardinality(cv) = pg_catalog.cardinality(listen_wiseer.feature_names())
		         ORDER BY 3, 2 LIMIT 2) z) fm
	 ORDER BY pk.ord;
END;
$$;
