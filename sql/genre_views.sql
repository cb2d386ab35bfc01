SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- A small library.  Artists:
--   a1 house x2 + pop            -> house (majority)
--   a2 indie 1, folk 1           -> folk (tie: family priority folk 60 > indie 40)
--   a3 jazz 1, blues 1           -> blues (tie, same priority: name order)
--   a4 genres unknown (NULL), a5 no genres ('{}'), a6 only an unmapped genre
--   a7 hip hop x3: groups instrumental 2, electronic 1 -> instrumental
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('a1', 'Deep One', '{deep house,tech house,dance pop}'),
	('a2', 'Strummer', '{indie rock,folk}'),
	('a3', 'Smoky', '{jazz,blues}'),
	('a4', 'Unknown', NULL),
	('a5', 'Nobody', '{}'),
	('a6', 'Joker', '{seen live}'),
	('a7', 'Beatsmith', '{lo-fi beats,chillhop,hip hop}');
SELECT * FROM listen_wiseer.artist_genre ORDER BY artist_id;

-- Tracks: the artist at position p votes with weight 1/(p+1).
--   t1 a1                 -> house
--   t2 a2 (1), a1 (1/2)   -> folk 1, indie 1, house 2 x 1/2 = 1, pop 1/2:
--                            three-way tie, house has the highest priority
--   t3 a3 (1), a7 (1/2)   -> jazz 1, blues 1, hip hop 3 x 1/2 = 1.5 -> hip hop
--   t4 a4; t5 no artists; t6 a6 + a5 -> no family
--   t7 a7 (1), a1 (1/2), a1 again at position 2 (1/3) -> hip hop 3 vs house 2 x 5/6
INSERT INTO listen_wiseer.tracks (track_id, name) SELECT 't' || g, 'Track ' || g FROM generate_series(1, 7) g;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id) VALUES
	('t1', 0, 'a1'), ('t2', 0, 'a2'), ('t2', 1, 'a1'), ('t3', 0, 'a3'), ('t3', 1, 'a7'),
	('t4', 0, 'a4'), ('t6', 0, 'a6'), ('t6', 1, 'a5'), ('t7', 0, 'a7'), ('t7', 1, 'a1'), ('t7', 2, 'a1');
SELECT * FROM listen_wiseer.track_genre ORDER BY track_id;

-- The vote does not depend on the order the rows arrive in
SELECT count(*) AS tracks, count(*) FILTER (WHERE fwd IS DISTINCT FROM bwd) AS order_dependent FROM (
	SELECT ta.track_id,
	       genre_vote_agg(a.genres, ta.position ORDER BY ta.position) AS fwd,
	       genre_vote_agg(a.genres, ta.position ORDER BY ta.position DESC) AS bwd
	FROM listen_wiseer.track_artists ta JOIN listen_wiseer.artists a USING (artist_id)
	GROUP BY ta.track_id) v;

-- Playlists: current members only (removed_at IS NULL); each occurrence counts.
--   p1: t1, t2 (dance), t3 (instrumental), t4 (unknown); t5 was removed
--   p2: t1 twice; t3 was removed
--   p3: only removed members -> no rows
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('p1', 'Mixed'), ('p2', 'Club'), ('p3', 'Gone');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, occurrence, position, removed_at) VALUES
	('p1', 't1', 1, 0, NULL), ('p1', 't2', 1, 1, NULL), ('p1', 't3', 1, 2, NULL), ('p1', 't4', 1, 3, NULL),
	('p1', 't5', 1, 4, '2024-01-01'),
	('p2', 't1', 1, 0, NULL), ('p2', 't1', 2, 1, NULL), ('p2', 't3', 1, 2, '2024-01-01'),
	('p3', 't7', 1, 0, '2024-01-01');
SELECT playlist_id, genre_group, tracks, round(share::numeric, 4) AS share
FROM listen_wiseer.playlist_genre_mix ORDER BY playlist_id, genre_group;
SELECT playlist_id, family, tracks, round(share::numeric, 4) AS share
FROM listen_wiseer.playlist_family_mix ORDER BY playlist_id, family;
-- shares of a playlist add up to 1
SELECT playlist_id, round(sum(share)::numeric, 10) AS total
FROM listen_wiseer.playlist_genre_mix GROUP BY playlist_id ORDER BY playlist_id;

-- The views follow the rules: an override changes the artist, track and playlist level
INSERT INTO listen_wiseer.genre_overrides VALUES ('deep house', 'techno', NULL), ('tech house', 'techno', NULL);
SELECT artist_id, family, genre_group, top_genre FROM listen_wiseer.artist_genre WHERE artist_id = 'a1';
SELECT track_id, family, genre_group, top_genre FROM listen_wiseer.track_genre WHERE track_id IN ('t1', 't2') ORDER BY 1;
SELECT playlist_id, family, tracks FROM listen_wiseer.playlist_family_mix WHERE playlist_id = 'p2';

-- genre_vote on its own
SELECT * FROM genre_vote(ARRAY['soul jazz', 'jazz rap', 'trip hop', 'jazz']);
SELECT * FROM genre_vote(ARRAY[NULL, 'seen live']::text[]);
SELECT * FROM genre_vote('{}');
SELECT genre_vote_agg(ARRAY[g], 0) FROM unnest(ARRAY['house']) g WHERE false;
SELECT genre_vote_agg(ARRAY['house'], -1);

-- A planner can fetch one track without computing the whole library: the
-- track condition reaches the per-track vote (it appears twice in the plan)
CREATE FUNCTION pg_temp.condition_lines() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	line text;
	n integer := 0;
BEGIN
	FOR line IN EXPLAIN (COSTS OFF) SELECT * FROM listen_wiseer.track_genre WHERE track_id = 't3' LOOP
		IF line LIKE '%''t3''%' THEN
			n := n + 1;
		END IF;
	END LOOP;
	RETURN n;
END $$;
SELECT pg_temp.condition_lines() >= 2 AS condition_pushed_down;
