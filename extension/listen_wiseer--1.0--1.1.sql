-- listen_wiseer 1.0 -> 1.1: turns a 1.0 database into what extension/sql/ creates for 1.1,
-- keeping every row of the user's library. Frozen once 1.1 is released (HACKING.md, "Versions").
-- test/upgrade/upgrade.sh compares its result with a fresh 1.1, object by object.
\echo Use "ALTER EXTENSION listen_wiseer UPDATE TO '1.1'" to load this file. \quit

-- Provenance and catalog membership (see extension/sql/20_library_schema.sql).
ALTER TABLE listen_wiseer.artists
	ADD COLUMN genres_source text
	CHECK (genres_source IN ('spotify', 'musicbrainz', 'lastfm', 'catalog', 'csv'));
-- every genre list a 1.0 database holds came from Spotify
UPDATE listen_wiseer.artists SET genres_source = 'spotify' WHERE genres IS NOT NULL;

ALTER TABLE listen_wiseer.tracks
	ADD COLUMN in_library boolean NOT NULL DEFAULT true,
	ADD COLUMN catalog text;

ALTER TABLE listen_wiseer.audio_features
	DROP CONSTRAINT audio_features_source_check,
	ADD CONSTRAINT audio_features_source_check
		CHECK (source IN ('spotify_api', 'csv', 'demo', 'reccobeats', 'catalog'));
-- The three guard triggers of the genre rule tables share one function (see
-- extension/sql/50_genre_map.sql): same trigger names, same behaviour.
DROP TRIGGER genre_families_guard ON listen_wiseer.genre_families;
DROP TRIGGER genre_aliases_guard ON listen_wiseer.genre_aliases;
DROP TRIGGER genre_rules_guard ON listen_wiseer.genre_rules;
DROP FUNCTION listen_wiseer.genre_families_guard();
DROP FUNCTION listen_wiseer.genre_aliases_guard();
DROP FUNCTION listen_wiseer.genre_rules_guard();

-- The one protocol of the three default-row tables (families, aliases, rules):
-- a changed default row stops being default (so pg_dump keeps it); an INSERT
-- whose key is a shipped row replaces that row (this is how a restore brings
-- back the user's version); a shipped row's key cannot change (a restore would
-- bring the old one back); deleting a shipped row disables it (so the deletion
-- survives a restore) or, for a family that rules may point at, is refused.
-- Trigger arguments describe the table: key column, the columns a user may
-- change (text[] literal), the noun and the verb for a key change in messages,
-- the hint for it, and on delete 'disable' or 'refuse'.
CREATE FUNCTION listen_wiseer.genre_default_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	key_col  text := TG_ARGV[0];
	cols     text[] := TG_ARGV[1]::text[];
	noun     text := TG_ARGV[2];
	tbl      text := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
	set_list text;
	n        bigint;
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT NEW.is_default THEN
			SELECT string_agg(format('%I = ($1).%I', c, c), ', ') INTO set_list FROM unnest(cols) c;
			EXECUTE format('UPDATE %s SET %s WHERE %I = ($1).%I AND builtin', tbl, set_list,
						   key_col, key_col) USING NEW;
			GET DIAGNOSTICS n = ROW_COUNT;
			IF n > 0 THEN
				RETURN NULL;
			END IF;
		END IF;
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		IF OLD.builtin AND to_jsonb(NEW) -> key_col IS DISTINCT FROM to_jsonb(OLD) -> key_col THEN
			RAISE EXCEPTION 'cannot % built-in % "%"', TG_ARGV[3], noun, to_jsonb(OLD) ->> key_col
				USING ERRCODE = 'feature_not_supported', HINT = TG_ARGV[4];
		END IF;
		NEW.builtin := OLD.builtin;
		IF EXISTS (SELECT FROM unnest(cols) c WHERE to_jsonb(NEW) -> c IS DISTINCT FROM to_jsonb(OLD) -> c) THEN
			NEW.is_default := false;
		END IF;
		RETURN NEW;
	ELSE
		IF OLD.builtin THEN
			IF TG_ARGV[5] = 'refuse' THEN
				RAISE EXCEPTION 'cannot delete built-in % "%"', noun, to_jsonb(OLD) ->> key_col
					USING ERRCODE = 'feature_not_supported';
			END IF;
			EXECUTE format('UPDATE %s SET enabled = false WHERE %I = ($1).%I', tbl, key_col, key_col)
				USING OLD;
			RETURN NULL;
		END IF;
		RETURN OLD;
	END IF;
END $$;

CREATE TRIGGER genre_families_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_families
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_default_guard('family',
		'{genre_group,priority,description}', 'genre family', 'rename',
		'Add a new family and point the rules at it.', 'refuse');
CREATE TRIGGER genre_aliases_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_aliases
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_default_guard('alias',
		'{canonical,enabled}', 'genre alias', 'rename',
		'Insert a new alias and delete (disable) this one.', 'disable');
CREATE TRIGGER genre_rules_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_rules
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_default_guard('pattern',
		'{family,genre_group,priority,enabled,note}', 'genre rule', 'change the pattern of',
		'Insert a new rule and delete (disable) this one.', 'disable');
-- Enrichment (see extension/sql/25_enrichment.sql and 20_library_schema.sql).
ALTER TABLE listen_wiseer.artists ADD COLUMN genres_updated_at timestamptz;


-- Every answer a service gave, "not found" included, so a later run asks only for what is new
-- or expired. source + kind + key name the question:
--   reccobeats  track-features  Spotify track id   (detail: ReccoBeats id)
--   musicbrainz artist-url      Spotify artist id  (detail: MBID, or the candidates if ambiguous)
--   musicbrainz artist-genres   Spotify artist id  (detail: the MBID answered; payload: genres)
--   lastfm      artist-tags     Spotify artist id  (detail: Last.fm's corrected name; payload: tags)
-- outcome: hit (data found), miss (the service answered: nothing), ambiguous (several
-- candidates, nothing used). Rows past expires_at are asked again.
CREATE TABLE listen_wiseer.enrichment_cache (
	source      text NOT NULL CHECK (source IN ('reccobeats', 'musicbrainz', 'lastfm')),
	kind        text NOT NULL CHECK (kind <> ''),
	key         text NOT NULL CHECK (key <> ''),
	outcome     text NOT NULL CHECK (outcome IN ('hit', 'miss', 'ambiguous')),
	http_status integer,
	detail      text,
	payload     jsonb,
	fetched_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expires_at  timestamptz NOT NULL,
	PRIMARY KEY (source, kind, key),
	CHECK (expires_at >= fetched_at)
);

-- The user's choice per source: enabled = false switches a source off; for genres the
-- enabled sources are asked in ascending priority (default: musicbrainz 1, lastfm 2), so the
-- first one with genres for an artist wins. No row = enabled with the default priority.
CREATE TABLE listen_wiseer.enrichment_sources (
	source   text PRIMARY KEY CHECK (source IN ('reccobeats', 'musicbrainz', 'lastfm')),
	enabled  boolean NOT NULL DEFAULT true,
	priority smallint NOT NULL DEFAULT 0
);

SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.enrichment_cache', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.enrichment_sources', '');
-- lw_ingest also writes the enrichment cache, reads the source choices and writes the publish
-- rules and log
-- (same definition as extension/sql/70_roles.sql).
CREATE OR REPLACE FUNCTION listen_wiseer.grant_ingest(role regrole) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE pg_catalog.format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %s',
		pg_catalog.current_database(), role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA listen_wiseer TO %s', role);
	-- what ingestor/store.c writes (INSERT ... ON CONFLICT DO UPDATE needs SELECT and UPDATE)
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.users, listen_wiseer.artists,'
		' listen_wiseer.tracks, listen_wiseer.playlists, listen_wiseer.playlist_tracks,'
		' listen_wiseer.liked_tracks, listen_wiseer.audio_features, listen_wiseer.capabilities,'
		' listen_wiseer.ingest_runs TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON listen_wiseer.track_artists TO %s', role);
	-- enrichment (ingestor/enrich_store.c): its answer cache, and the user's source choices
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.enrichment_cache TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT ON listen_wiseer.enrichment_sources TO %s', role);
	-- publish (ingestor/publish_store.c): its rules and its log (recommend() itself needs the
	-- reader's rights: grant_reader)
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.publish_rules,'
		' listen_wiseer.publish_runs TO %s', role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE listen_wiseer.publish_runs_publish_id_seq TO %s', role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE listen_wiseer.ingest_runs_run_id_seq TO %s', role);
	EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION listen_wiseer.refresh_vectors() TO %s', role);
END;
$$;
-- ---------------------------------------------------------------------------
-- Genre map, 1.1 vocabulary: the default rules of 50_genre_map.sql extended
-- so that MusicBrainz genre names ("drum and bass", "synth-pop") and Last.fm
-- genre tags ("hip-hop", "trip-hop", "chillout") map like Spotify's
-- micro-genres, and so that at least 99% of Spotify's 6,291 genre names get a
-- family (test: sql/genre_vocabulary.sql; every default is listed in
-- docs/design/genre-vocabulary.md).
--
-- The 1.0 -> 1.1 upgrade script repeats it, so an upgraded 1.0 database gets
-- the same rules.  It is written to be safe on a database the user has
-- changed: a default row the user edited or deleted (disabled) is left alone,
-- and a key the user already holds keeps the user's row (ON CONFLICT DO
-- NOTHING).
--
-- The groups keep the original app's meaning: acoustic = song-based music
-- by singers and players (rock, indie, folk, soul, blues, most pop and hip
-- hop); electronic = programmed music not made for the club; dance = club
-- and partner-dance music; instrumental = music without a lead singer.
-- ---------------------------------------------------------------------------

-- New families: music for children, the spoken word, devotional music and
-- experimental sound; each is a distinct listening context that none of the
-- 1.0 families describes.
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority, description, builtin, is_default)
SELECT f, g, p, d, true, true FROM (VALUES
	('children',     'acoustic',   65, 'music and stories for children, lullabies'),
	('spoken word',  'acoustic',   65, 'comedy, poetry, audiobooks, radio plays'),
	('devotional',   'acoustic',   55, 'chant, hymns and devotional song (christian praise stays with pop)'),
	('experimental', 'electronic', 45, 'noise, musique concrete, sound art, field recording, avant-garde')
) AS t(f, g, p, d)
ON CONFLICT (family) DO NOTHING;

-- Shipped rows whose 1.0 default changes.  Only a row still as shipped
-- changes; the second UPDATE marks it shipped again (the guard trigger
-- clears is_default on any change of content, and leaves it alone when
-- only is_default changes).  Pop and hip hop are song-based music: acoustic,
-- as the groups are defined.  Instrument words that only named a group now
-- also name the family their music belongs to.
DO $$
DECLARE
	f record;
	r record;
BEGIN
	FOR f IN SELECT * FROM (VALUES ('pop', 'acoustic'), ('hip hop', 'acoustic')) AS v(family, genre_group)
	LOOP
		UPDATE listen_wiseer.genre_families SET genre_group = f.genre_group
		 WHERE family = f.family AND is_default AND genre_group <> f.genre_group;
		IF FOUND THEN
			UPDATE listen_wiseer.genre_families SET is_default = true WHERE family = f.family;
		END IF;
	END LOOP;
	FOR r IN SELECT * FROM (VALUES
		('piano', 'classical'), ('violin', 'classical'), ('cello', 'classical'), ('harp', 'classical'),
		('organ', 'classical'), ('flute', 'classical'), ('guitar', 'folk'),
		('saxophone', 'jazz'), ('sax', 'jazz'), ('trumpet', 'jazz')) AS v(pattern, family)
	LOOP
		UPDATE listen_wiseer.genre_rules SET family = r.family
		 WHERE pattern = r.pattern AND is_default AND family IS NULL;
		IF FOUND THEN
			UPDATE listen_wiseer.genre_rules SET is_default = true WHERE pattern = r.pattern;
		END IF;
	END LOOP;
END $$;

-- One-word spellings seen in MusicBrainz, Last.fm and Spotify names.
INSERT INTO listen_wiseer.genre_aliases (alias, canonical, builtin, is_default)
SELECT a, c, true, true FROM (VALUES
	('childrens', 'children'), ('kids', 'children'), ('melodeath', 'melodic death metal'),
	('japanoise', 'japanese noise'), ('yodeling', 'yodel'), ('yodelling', 'yodel'),
	('hymns', 'hymn'), ('psalms', 'psalm'), ('psalmen', 'psalm'), ('shanties', 'shanty'),
	('recordings', 'recording'), ('vgm', 'video game music'), ('bgm', 'background music'),
	('folclore', 'folklore'), ('folclor', 'folklore'), ('folklorico', 'folklore'),
	('gruperas', 'grupera'), ('grupero', 'grupera'), ('canciones', 'cancion'),
	('capella', 'cappella')
) AS t(a, c)
ON CONFLICT (alias) DO NOTHING;

-- Rules, with the priorities of 50_genre_map.sql (70 group words, 50 genre
-- words, 40 looser words, 30 modifiers, 10 weak heads, 5 words that only
-- count when nothing else does).
INSERT INTO listen_wiseer.genre_rules (pattern, family, genre_group, priority, builtin, is_default)
SELECT p, f, g, pr, true, true FROM (VALUES
	-- children (60: wins over the spoken word in "children's story")
	('children', 'children', NULL, 60), ('lullaby', 'children', NULL, 60),
	('nursery', 'children', NULL, 60), ('preschool', 'children', NULL, 60),
	('kinder*', 'children', NULL, 60),
	('chinderlieder', 'children', NULL, 60), ('infantil*', 'children', NULL, 60),
	('infantis', 'children', NULL, 60), ('enfant', 'children', NULL, 60),
	('enfants', 'children', NULL, 60), ('comptine', 'children', NULL, 60),
	('ninos', 'children', NULL, 60), ('barnmusik', 'children', NULL, 60),
	('barnemusikk', 'children', NULL, 60), ('barnsagor', 'children', NULL, 60),
	('barnasogur', 'children', NULL, 60), ('bornesange', 'children', NULL, 60),
	('bornehistorier', 'children', NULL, 60), ('detske', 'children', NULL, 60),
	('detskie', 'children', NULL, 60), ('detski', 'children', NULL, 60),
	('detske pisnicky', 'children', NULL, 60), ('decije', 'children', NULL, 60),
	('djecje', 'children', NULL, 60), ('dytyachi', 'children', NULL, 60),
	('anak anak', 'children', NULL, 60), ('copii', 'children', NULL, 60),
	('cocuk', 'children', NULL, 60), ('thieu nhi', 'children', NULL, 60),
	('paidika', 'children', NULL, 60), ('vaikiskos', 'children', NULL, 60),
	('lastelaulud', 'children', NULL, 60), ('lapsille', 'children', NULL, 60),
	('lasten', 'children', NULL, 60), ('gyerekdalok', 'children', NULL, 60),
	('er ge', 'children', NULL, 60), ('dong yo', 'children', NULL, 60),
	('kodomo', 'children', NULL, 60), ('balgeet', 'children', NULL, 60),
	('bachchon', 'children', NULL, 60), ('atfal', 'children', NULL, 60),
	('yeladim', 'children', NULL, 60), ('dzieciecy', 'children', NULL, 60),
	('otroske', 'children', NULL, 60), ('tamariki', 'children', NULL, 60),
	('cartoon', 'children', NULL, 60), ('cartoni', 'children', NULL, 60),
	('bajki', 'children', NULL, 60), ('pohadky', 'children', NULL, 60),
	('rozpravky', 'children', NULL, 60), ('eventyr', 'children', NULL, 60),
	('birthday', 'children', NULL, 40), ('festigal', 'children', NULL, 50),

	-- the spoken word
	('spoken word', 'spoken word', NULL, 50), ('comedy', 'spoken word', NULL, 50),
	('comedia', 'spoken word', NULL, 50), ('comedienne', 'spoken word', NULL, 50),
	('comic', 'spoken word', NULL, 50), ('komedi', 'spoken word', NULL, 50),
	('humour', 'spoken word', NULL, 50), ('parody', 'spoken word', NULL, 50),
	('prank', 'spoken word', NULL, 50), ('rakugo', 'spoken word', NULL, 50),
	('kabarett', 'spoken word', NULL, 50), ('kabare', 'spoken word', NULL, 50),
	('piada', 'spoken word', NULL, 50), ('poetry', 'spoken word', NULL, 50),
	('reading', 'spoken word', NULL, 5), ('lesen', 'spoken word', NULL, 50),
	('audiobook', 'spoken word', NULL, 50), ('hoerspiel', 'spoken word', NULL, 50),
	('hangoskonyvek', 'spoken word', NULL, 50), ('mluvene slovo', 'spoken word', NULL, 50),
	('literature', 'spoken word', NULL, 50), ('story', 'spoken word', NULL, 50),
	('stories', 'spoken word', NULL, 50), ('histoire', 'spoken word', NULL, 40),
	('cuento', 'spoken word', NULL, 40), ('rasskazy', 'spoken word', NULL, 50),
	('oratory', 'spoken word', NULL, 50), ('radio show', 'spoken word', NULL, 50),
	('stand up', 'spoken word', NULL, 50),

	-- devotional
	('devotional', 'devotional', NULL, 40), ('chant', 'devotional', NULL, 40),
	('hymn', 'devotional', NULL, 50), ('hinos', 'devotional', NULL, 50),
	('himene', 'devotional', NULL, 50), ('liturgy', 'devotional', NULL, 50),
	('liturgical', 'devotional', NULL, 50), ('psalm', 'devotional', NULL, 50),
	('bible', 'devotional', NULL, 50), ('rosary', 'devotional', NULL, 50),
	('bhajan', 'devotional', NULL, 50), ('kirtan', 'devotional', NULL, 50),
	('shabad', 'devotional', NULL, 50), ('mantra', 'devotional', NULL, 50),
	('naat', 'devotional', NULL, 50), ('nasheed', 'devotional', NULL, 50),
	('nasyid', 'devotional', NULL, 50), ('sholawat', 'devotional', NULL, 50),
	('ilahiler', 'devotional', NULL, 50), ('zikir', 'devotional', NULL, 50),
	('latmiya', 'devotional', NULL, 50), ('nohay', 'devotional', NULL, 50),
	('madh', 'devotional', NULL, 50), ('quran', 'devotional', NULL, 50),
	('islamic', 'devotional', NULL, 40), ('sufi', 'devotional', NULL, 40),
	('mevlevi', 'devotional', NULL, 50), ('cantorial', 'devotional', NULL, 50),
	('niggunim', 'devotional', NULL, 50), ('judaica', 'devotional', NULL, 50),
	('hare krishna', 'devotional', NULL, 50), ('bahai', 'devotional', NULL, 50),
	('fo jing', 'devotional', NULL, 50), ('convent', 'devotional', NULL, 50),
	('religious', 'devotional', NULL, 40), ('religieux', 'devotional', NULL, 40),
	('espiritas', 'devotional', NULL, 50), ('bisericeasca', 'devotional', NULL, 50),
	('crestina', 'devotional', NULL, 50), ('cristiana', 'pop', 'acoustic', 40),
	('christian', 'pop', 'acoustic', 5), ('christelijk', 'pop', 'acoustic', 40),
	('lds', 'devotional', NULL, 40), ('adventista', 'devotional', NULL, 40),
	('pentecostal', 'devotional', NULL, 40), ('pentecostais', 'devotional', NULL, 40),
	('umbanda', 'devotional', NULL, 50), ('candomble', 'devotional', NULL, 50),
	('mezmur', 'devotional', NULL, 50), ('taraneem', 'devotional', NULL, 50),
	('duhovne', 'devotional', NULL, 50), ('hengelliset', 'devotional', NULL, 50),
	('spiritual', 'devotional', NULL, 5), ('spirituals', 'r&b', NULL, 50),
	('sacred steel', 'r&b', NULL, 50), ('gregorian chant', 'classical', 'acoustic', 50),
	('orthodox chant', 'classical', 'acoustic', 50), ('byzantine', 'classical', 'acoustic', 50),
	-- christian worship songs are pop, like 'worship' and 'ccm' in 1.0
	('praise', 'pop', 'acoustic', 40), ('louvor', 'pop', 'acoustic', 50),
	('louvores', 'pop', 'acoustic', 50), ('louange', 'pop', 'acoustic', 50),
	('adoracao', 'pop', 'acoustic', 50), ('adoracion', 'pop', 'acoustic', 50),
	('alabanza', 'pop', 'acoustic', 50), ('lovsang', 'pop', 'acoustic', 50),
	('chvaly', 'pop', 'acoustic', 50), ('uwielbienie', 'pop', 'acoustic', 50),
	('dicsoites', 'pop', 'acoustic', 50), ('christian uplift', 'pop', 'acoustic', 50),
	('christmas', 'pop', NULL, 5), ('villancicos', 'folk', NULL, 50), ('koledy', 'folk', NULL, 50),
	('noel', 'folk', NULL, 40),

	-- experimental sound
	('experimental', 'experimental', NULL, 5), ('noise', 'experimental', NULL, 5),
	('avant garde', 'experimental', NULL, 40), ('musique concrete', 'experimental', NULL, 50),
	('sound art', 'experimental', NULL, 50), ('sound collage', 'experimental', NULL, 50),
	('collage', 'experimental', NULL, 5), ('field recording', 'experimental', NULL, 50),
	('electroacoustic', 'experimental', NULL, 40), ('acousmatic', 'experimental', NULL, 50),
	('improvisation', 'experimental', NULL, 40), ('free improvisation', 'experimental', 'instrumental', 50),
	('plunderphonics', 'experimental', NULL, 50), ('microtonal', 'experimental', NULL, 50),
	('xenharmonic', 'experimental', NULL, 50), ('power electronics', 'experimental', NULL, 50),
	('harsh noise', 'experimental', NULL, 50), ('harsh noise wall', 'experimental', NULL, 50),
	('power noise', 'experimental', 'dance', 50), ('outsider', 'experimental', NULL, 5),
	('multidisciplinary', 'experimental', NULL, 40), ('laboratorio', 'experimental', NULL, 40),
	('fluxwork', 'experimental', NULL, 40), ('sound', 'experimental', NULL, 5),
	('sound effects', 'experimental', NULL, 50), ('tape music', 'experimental', NULL, 50),

	-- ambient, wellness and sleep
	('asmr', 'ambient', NULL, 50), ('binaural', 'ambient', NULL, 50), ('432hz', 'ambient', NULL, 50),
	('528hz', 'ambient', NULL, 50), ('solfeggio', 'ambient', NULL, 50), ('brain waves', 'ambient', NULL, 50),
	('chakra', 'ambient', NULL, 50), ('reiki', 'ambient', NULL, 50), ('kundalini', 'ambient', NULL, 50),
	('yoga', 'ambient', NULL, 40), ('pilates', 'ambient', NULL, 40), ('massage', 'ambient', NULL, 50),
	('spa', 'ambient', NULL, 50), ('zen', 'ambient', NULL, 40), ('mindfulness', 'ambient', NULL, 50),
	('hypnosis', 'ambient', NULL, 50), ('relaxative', 'ambient', NULL, 50), ('relax*', 'ambient', NULL, 40),
	('calming', 'ambient', NULL, 40), ('focus', 'ambient', NULL, 5), ('therapy', 'ambient', NULL, 40),
	('subliminal', 'ambient', NULL, 40), ('pink noise', 'ambient', NULL, 50),
	('color noise', 'ambient', NULL, 50), ('rain', 'ambient', NULL, 40), ('ocean', 'ambient', NULL, 40),
	('water', 'ambient', NULL, 40), ('whale song', 'ambient', NULL, 50), ('birdsong', 'ambient', NULL, 50),
	('environmental', 'ambient', NULL, 40), ('singing bowl', 'ambient', 'instrumental', 50),
	('shamanic', 'ambient', NULL, 40), ('nu age', 'ambient', NULL, 50), ('atmosphere', 'ambient', NULL, 40),
	('*scape', 'ambient', NULL, 40), ('isolationism', 'ambient', NULL, 50),
	('lowercase', 'ambient', NULL, 50), ('dungeon synth', 'ambient', NULL, 50),
	('illbient', 'ambient', NULL, 50), ('psychill', 'ambient', NULL, 50), ('pet calming', 'ambient', NULL, 50),

	-- electronic, and its dance styles
	('chill', 'electronic', NULL, 5),
	('*synth', 'electronic', NULL, 40), ('synthesizer', 'electronic', 'instrumental', 50),
	('moog', 'electronic', NULL, 40), ('theremin', 'electronic', 'instrumental', 50),
	('berlin school', 'electronic', 'instrumental', 50), ('demoscene', 'electronic', NULL, 50),
	('c64', 'electronic', NULL, 50), ('pixel', 'electronic', NULL, 40), ('bitpop', 'electronic', NULL, 50),
	('nightrun', 'electronic', NULL, 50), ('hauntology', 'electronic', NULL, 50),
	('mallsoft', 'electronic', NULL, 50), ('utopian virtual', 'electronic', NULL, 50),
	('wonky', 'electronic', NULL, 50), ('braindance', 'electronic', NULL, 50),
	('intelligent dance music', 'electronic', 'electronic', 75), ('abstractro', 'electronic', NULL, 50),
	('skweee', 'electronic', NULL, 50), ('weightless', 'electronic', NULL, 50),
	('remix', 'electronic', 'dance', 5), ('mashup', 'electronic', NULL, 40),
	('8d', 'electronic', NULL, 40), ('cedm', 'electronic', 'dance', 50),
	('electronic dance music', 'electronic', 'dance', 75),
	('algorave', 'electronic', 'dance', 50), ('aggrotech', 'electronic', 'dance', 50),
	('bassline', 'electronic', 'dance', 50), ('*break', 'electronic', 'dance', 40),
	('*breaks', 'electronic', 'dance', 40), ('liquid', 'electronic', 'dance', 40),
	('jump up', 'electronic', 'dance', 50), ('tearout', 'electronic', 'dance', 50),
	('sambass', 'electronic', 'dance', 50), ('extratone', 'electronic', 'dance', 50),
	('rawstyle', 'electronic', 'dance', 50), ('xtra raw', 'electronic', 'dance', 50),
	('hands up', 'electronic', 'dance', 50), ('eurobeat', 'electronic', 'dance', 50),
	('makina', 'electronic', 'dance', 50), ('melbourne bounce', 'electronic', 'dance', 50),
	('future bounce', 'electronic', 'dance', 50),
	('bmore', 'electronic', 'dance', 50), ('batida', 'electronic', 'dance', 50),
	('kuduro', 'electronic', 'dance', 50), ('singeli', 'electronic', 'dance', 50),
	('mahraganat', 'electronic', 'dance', 50), ('techengue', 'electronic', 'dance', 50),
	('trival', 'electronic', 'dance', 50), ('bemani', 'electronic', 'dance', 50),
	('rhythm game', 'electronic', 'dance', 50), ('workout', 'electronic', 'dance', 40),
	('russelater', 'electronic', 'dance', 50), ('klubowe', 'electronic', 'dance', 50),
	('clubbing', 'electronic', 'dance', 50), ('spacesynth', 'electronic', 'dance', 50),
	('psy', 'electronic', 'dance', 40), ('*psy', 'electronic', 'dance', 40),
	('psybass', 'electronic', 'dance', 50), ('psytech', 'electronic', 'dance', 50),
	('psybreaks', 'electronic', 'dance', 50), ('psydub', 'electronic', NULL, 50),
	('full on', 'electronic', 'dance', 50), ('hi tech', 'electronic', 'dance', 50),
	('high tech minimal', 'electronic', 'dance', 50), ('nitzhonot', 'electronic', 'dance', 50),
	('suomisaundi', 'electronic', 'dance', 50), ('zenonesque', 'electronic', 'dance', 50),
	('balearic', 'electronic', NULL, 50), ('ambeat', 'electronic', NULL, 50),
	('australian dance', 'electronic', 'dance', 5), ('belgian dance', 'electronic', 'dance', 5),
	('german dance', 'electronic', 'dance', 5), ('russian dance', 'electronic', 'dance', 5),
	('uk dance', 'electronic', 'dance', 5), ('haitian dance', 'reggae', 'dance', 5),
	('christian dance', 'electronic', 'dance', 5), ('kids dance party', 'children', 'dance', 60),

	-- house and techno
	('circuit', 'house', NULL, 50), ('vogue', 'house', NULL, 50), ('ballroom', 'house', NULL, 40),
	('uk funky', 'house', NULL, 50), ('sgija', 'house', NULL, 50), ('tulum', 'house', NULL, 50),
	('hardgroove', 'techno', NULL, 50), ('ghettotech', 'techno', NULL, 50), ('tekno', 'techno', NULL, 50),
	('tekk', 'techno', NULL, 50), ('*tekk', 'techno', NULL, 50), ('*tek', 'techno', NULL, 50),
	('ruta destroy', 'techno', NULL, 50),

	-- hip hop
	('plugg', 'hip hop', NULL, 50), ('*plugg', 'hip hop', NULL, 50), ('pluggnb', 'hip hop', NULL, 50),
	('drain', 'hip hop', NULL, 50), ('hexd', 'hip hop', NULL, 50), ('*kore', 'hip hop', NULL, 40),
	('trap*', 'hip hop', NULL, 40), ('rep', 'hip hop', NULL, 50), ('digicore', 'hip hop', NULL, 50),
	('rage', 'hip hop', NULL, 40), ('nerdcore', 'hip hop', NULL, 50),
	('chopped and screwed', 'hip hop', NULL, 50), ('lo fi hip hop', 'hip hop', 'instrumental', 50), ('bboy', 'hip hop', 'dance', 50),
	('popping', 'hip hop', 'dance', 50), ('beatboxing', 'hip hop', NULL, 50),
	('scratch', 'hip hop', 'instrumental', 50), ('freestyle', 'pop', 'dance', 40),
	('bases de freestyle', 'hip hop', 'instrumental', 50), ('futuristic swag', 'hip hop', NULL, 50),
	('wu fam', 'hip hop', NULL, 50), ('gengetone', 'hip hop', NULL, 50), ('bongo flava', 'hip hop', NULL, 50),
	('asakaa', 'hip hop', NULL, 50), ('hiplife', 'hip hop', NULL, 50), ('hipco', 'hip hop', NULL, 50),
	('bounce', 'hip hop', NULL, 40), ('plug', 'hip hop', NULL, 40), ('abstract', 'hip hop', NULL, 5),

	-- r&b, funk, jazz, blues
	('souldies', 'r&b', NULL, 50), ('new jack smooth', 'r&b', NULL, 50), ('beach music', 'r&b', NULL, 50),
	('rare groove', 'funk', NULL, 50), ('groove', 'funk', NULL, 5), ('strut', 'funk', NULL, 40),
	('minneapolis sound', 'funk', NULL, 50),
	('stride', 'jazz', 'instrumental', 50), ('second line', 'jazz', NULL, 50),
	('library music', 'jazz', 'instrumental', 50), ('dance band', 'jazz', NULL, 50),
	('tanzorchester', 'jazz', NULL, 50), ('hammond', 'jazz', 'instrumental', 50),
	('jug band', 'blues', NULL, 50), ('washboard', 'blues', NULL, 50), ('fife and drum', 'blues', NULL, 50),

	-- rock, indie, metal, punk
	('prog', 'rock', NULL, 40), ('progressive', 'rock', NULL, 5), ('canterbury scene', 'rock', NULL, 50),
	('zeuhl', 'rock', NULL, 50), ('kraut', 'rock', NULL, 40), ('paisley underground', 'rock', NULL, 50),
	('palm desert scene', 'rock', NULL, 50), ('surf', 'rock', NULL, 10), ('freakbeat', 'rock', NULL, 50),
	('beatlesque', 'rock', NULL, 50), ('mod', 'rock', NULL, 40), ('skiffle', 'rock', NULL, 50),
	('*billy', 'rock', NULL, 40), ('*grunge', 'rock', NULL, 50), ('grebo', 'rock', NULL, 50),
	('supergroup', 'rock', NULL, 40), ('one person band', 'rock', NULL, 50), ('zolo', 'rock', NULL, 50),
	('bosstown sound', 'rock', NULL, 50), ('medway sound', 'rock', NULL, 50),
	('jovem guarda', 'rock', NULL, 50), ('rautalanka', 'rock', 'instrumental', 50),
	('oshare kei', 'rock', NULL, 50), ('nwocr', 'rock', NULL, 50), ('jesus movement', 'rock', NULL, 50),
	('neue deutsche todeskunst', 'rock', NULL, 50),
	('c86', 'indie', NULL, 50), ('elephant 6', 'indie', NULL, 50), ('hamburger schule', 'indie', NULL, 50),
	('dunedin sound', 'indie', NULL, 50), ('austindie', 'indie', NULL, 50), ('indie*', 'indie', NULL, 30),
	('pixie', 'indie', NULL, 40), ('lilith', 'folk', NULL, 40),
	('*grind', 'metal', NULL, 50), ('death', 'metal', NULL, 40), ('deathrash', 'metal', NULL, 50),
	('thall', 'metal', NULL, 50), ('usbm', 'metal', NULL, 50), ('nwothm', 'metal', NULL, 50),
	('shred', 'metal', 'instrumental', 50), ('neue deutsche harte', 'metal', NULL, 50),
	('black and roll', 'metal', NULL, 50),
	('powerviolence', 'punk', NULL, 50), ('*violence', 'punk', NULL, 50), ('beatdown', 'punk', NULL, 50),
	('nyhc', 'punk', NULL, 50), ('ukhc', 'punk', NULL, 50), ('uk82', 'punk', NULL, 50),
	('straight edge', 'punk', NULL, 50), ('skramz', 'punk', NULL, 50), ('dreamo', 'punk', NULL, 50),
	('h8000', 'punk', NULL, 50),

	-- pop, and the songs of shows, films, stadiums and parties
	('talent*', 'pop', NULL, 40), ('talent show', 'pop', NULL, 50), ('songfestival', 'pop', NULL, 50),
	('karaoke', 'pop', NULL, 40), ('cover', 'pop', NULL, 5), ('tribute', 'pop', NULL, 5),
	('novelty', 'pop', NULL, 40), ('meme', 'pop', NULL, 40), ('anthem', 'pop', NULL, 40),
	('oldies', 'pop', NULL, 5), ('musical*', 'pop', 'acoustic', 40), ('west end', 'pop', 'acoustic', 50),
	('comedie musicale', 'pop', 'acoustic', 50), ('music hall', 'pop', 'acoustic', 50),
	('vaudeville', 'pop', 'acoustic', 50), ('tin pan alley', 'pop', 'acoustic', 50),
	('*schlager', 'pop', NULL, 50), ('iskelma', 'pop', NULL, 50), ('levenslied', 'pop', NULL, 50),
	('dansband', 'pop', 'dance', 50), ('danseband', 'pop', 'dance', 50), ('dansktop', 'pop', 'dance', 50),
	('discofox', 'pop', 'dance', 50), ('electrofox', 'pop', 'dance', 50),
	('karneval', 'pop', 'dance', 40), ('carnaval', 'pop', 'dance', 40), ('oktoberfest', 'pop', 'dance', 50),
	('kermis', 'pop', 'dance', 50), ('drikkelek', 'pop', 'dance', 50), ('football', 'pop', NULL, 40),
	('fussball', 'pop', NULL, 40), ('voetbal', 'pop', NULL, 40), ('fotbollslatar', 'pop', NULL, 50),
	('neomelodici', 'pop', NULL, 50), ('chalga', 'pop', 'dance', 50), ('manele', 'pop', 'dance', 50),
	('*manele', 'pop', 'dance', 50), ('tallava', 'pop', 'dance', 50), ('laiko', 'pop', NULL, 50),
	('dangdut', 'pop', NULL, 50), ('koplo', 'pop', 'dance', 50), ('trot', 'pop', 'acoustic', 50),
	('ryukoka', 'pop', NULL, 50), ('shibuya kei', 'pop', NULL, 50), ('denpa kei', 'pop', 'electronic', 50),
	('jirai kei', 'pop', NULL, 50), ('seiyu', 'pop', NULL, 50), ('doujin', 'pop', NULL, 50),
	('touhou', 'pop', 'electronic', 50), ('seinen', 'pop', NULL, 40), ('shojo', 'pop', NULL, 40),
	('shonen', 'pop', NULL, 40), ('yaoi', 'pop', NULL, 40), ('yuri', 'pop', NULL, 40),
	('vtuber', 'pop', NULL, 50), ('ost', 'pop', NULL, 40), ('hyperpop', 'pop', 'electronic', 50), ('fan chant', 'pop', NULL, 50), ('*llywood', 'pop', NULL, 50),
	('sandalwood', 'pop', NULL, 50), ('drama', 'pop', NULL, 5), ('ye ye', 'pop', NULL, 50),
	('nueva ola', 'pop', NULL, 50), ('manila sound', 'pop', NULL, 50), ('zhongguo feng', 'pop', NULL, 50),
	('graduation song', 'pop', NULL, 50), ('huzunlu sarkilar', 'pop', NULL, 50), ('slow sarkilar', 'pop', NULL, 50),
	('background music', 'pop', 'instrumental', 50), ('background', 'pop', 'instrumental', 40),
	('light music', 'classical', 'instrumental', 50), ('salon music', 'classical', 'instrumental', 50),
	('alte', 'pop', NULL, 50), ('azonto', 'pop', 'dance', 50), ('azontobeats', 'pop', 'dance', 50),
	('afroswing', 'pop', 'dance', 50), ('sped up', 'pop', 'dance', 50), ('speed up', 'pop', 'dance', 50),
	('slowed and reverb', 'pop', NULL, 50),

	-- classical, film and stage
	('*classicism', 'classical', NULL, 50), ('romanticism', 'classical', NULL, 50),
	('modernism', 'classical', NULL, 50), ('serialism', 'classical', NULL, 50),
	('totalism', 'classical', NULL, 50), ('wandelweiser', 'classical', NULL, 50),
	('early avant garde', 'classical', NULL, 50), ('trecento', 'classical', NULL, 50),
	('ars subtilior', 'classical', NULL, 50), ('franco flemish', 'classical', NULL, 50),
	('galante', 'classical', NULL, 50), ('historically informed', 'classical', NULL, 50),
	('historical keyboard', 'classical', 'instrumental', 50), ('historic piano', 'classical', 'instrumental', 50),
	('musique ancienne', 'classical', NULL, 50), ('madrigal', 'classical', 'acoustic', 50),
	('minnesang', 'classical', 'acoustic', 50), ('trouvere', 'classical', 'acoustic', 50),
	('art song', 'classical', 'acoustic', 50), ('zarzuela', 'classical', 'acoustic', 50),
	('tenor', 'classical', 'acoustic', 40), ('soprano', 'classical', 'acoustic', 40),
	('baritone', 'classical', 'acoustic', 40), ('mezzo soprano', 'classical', 'acoustic', 50),
	('wagnerian', 'classical', 'acoustic', 40),
	('gay chorus', 'classical', 'acoustic', 50), ('chor', 'classical', 'acoustic', 40),
	('*chor', 'classical', 'acoustic', 40), ('*koor', 'classical', 'acoustic', 40),
	('koor', 'classical', 'acoustic', 40), ('vocal ensemble', 'classical', 'acoustic', 50),
	('ensemble', 'classical', 'instrumental', 40), ('string', 'classical', 'instrumental', 40),
	('string band', 'country', NULL, 50), ('streichquartett', 'classical', 'instrumental', 50),
	('quatuor a cordes', 'classical', 'instrumental', 50),
	('symfon*', 'classical', 'instrumental', 40), ('orkiestra', 'classical', 'instrumental', 40),
	('marching band', 'classical', 'instrumental', 50), ('military', 'classical', 'instrumental', 40),
	('militaire', 'classical', 'instrumental', 40), ('concert band', 'classical', 'instrumental', 50),
	('police band', 'classical', 'instrumental', 50), ('staff band', 'classical', 'instrumental', 50),
	('musikkorps', 'classical', 'instrumental', 50), ('wind', 'classical', 'instrumental', 30),
	('brass', 'classical', 'instrumental', 30), ('quintet', 'classical', 'instrumental', 30),
	('harpsichord', 'classical', 'instrumental', 50), ('viola', 'classical', 'instrumental', 40),
	('viola da gamba', 'classical', 'instrumental', 50), ('lute', 'classical', 'instrumental', 40),
	('recorder', 'classical', 'instrumental', 40), ('clarinet', 'classical', 'instrumental', 40),
	('contrabass', 'classical', 'instrumental', 40), ('euphonium', 'classical', 'instrumental', 40),
	('trombone', 'classical', 'instrumental', 40), ('prepared piano', 'classical', 'instrumental', 50),
	('pianissimo', 'classical', 'instrumental', 50), ('mallet', 'classical', 'instrumental', 40),
	('handbells', 'classical', 'instrumental', 50), ('bells', 'classical', 'instrumental', 40),
	('clasica', 'classical', NULL, 50), ('classico', 'classical', NULL, 50),
	('movie', 'classical', NULL, 40), ('theme', 'classical', NULL, 5), ('film score', 'classical', 'instrumental', 50),
	('sitar', 'classical', 'instrumental', 50), ('sarod', 'classical', 'instrumental', 50),
	('sarangi', 'classical', 'instrumental', 50), ('santoor', 'classical', 'instrumental', 50),
	('shehnai', 'classical', 'instrumental', 50), ('veena', 'classical', 'instrumental', 50),
	('bansuri', 'classical', 'instrumental', 50), ('tabla', 'classical', 'instrumental', 50),
	('nadaswaram', 'classical', 'instrumental', 50), ('dhrupad', 'classical', 'acoustic', 50),
	('khayal', 'classical', 'acoustic', 50), ('rabindra sangeet', 'classical', 'acoustic', 50),
	('turk sanat muzigi', 'classical', 'acoustic', 50),

	-- folk and traditional music
	('traditional', 'folk', NULL, 5), ('traditionnelle', 'folk', NULL, 5), ('folklore', 'folk', NULL, 50),
	('folkmusik', 'folk', NULL, 50), ('indigenous', 'folk', NULL, 5), ('roots', 'folk', NULL, 5),
	('ballad', 'folk', NULL, 5), ('ethnomusicology', 'folk', NULL, 50), ('polyphony', 'folk', NULL, 40),
	('polyphonies', 'folk', NULL, 40), ('neo pagan', 'folk', NULL, 50),
	('native american', 'folk', NULL, 50), ('powwow', 'folk', NULL, 50), ('navajo', 'folk', NULL, 50),
	('inuit', 'folk', NULL, 5), ('throat singing', 'folk', NULL, 50), ('yoik', 'folk', NULL, 50),
	('sami', 'folk', NULL, 5), ('yodel', 'folk', NULL, 50), ('*jodel', 'folk', NULL, 50),
	('bard', 'folk', NULL, 40), ('troubadour', 'folk', NULL, 40), ('visor', 'folk', NULL, 50),
	('viser', 'folk', NULL, 50), ('sung poetry', 'folk', NULL, 60), ('poezja spiewana', 'folk', NULL, 60),
	('dainuojamoji poezija', 'folk', NULL, 60), ('kleinkunst', 'folk', NULL, 50),
	('auteur compositeur interprete', 'folk', NULL, 50), ('laulaja lauluntekija', 'folk', NULL, 50),
	('canzone', 'folk', NULL, 40), ('russian romance', 'folk', NULL, 50), ('kundiman', 'folk', NULL, 50),
	('womens music', 'folk', NULL, 50), ('balkan brass', 'folk', 'dance', 50),
	('new weird america', 'folk', NULL, 50), ('new weird finland', 'folk', NULL, 50),
	('sacred harp', 'folk', NULL, 50), ('pirate', 'folk', NULL, 40), ('piratenmuziek', 'folk', NULL, 50),
	('seemannslieder', 'folk', NULL, 50), ('szanty', 'folk', NULL, 50), ('shantykoren', 'folk', NULL, 50),
	('rebel song', 'folk', NULL, 50), ('pub song', 'folk', NULL, 50), ('gypsy', 'folk', NULL, 40),
	('pastoral', 'folk', NULL, 40), ('middle earth', 'folk', NULL, 50), ('mundart', 'folk', NULL, 5),
	('streektaal', 'folk', NULL, 5), ('lagu', 'folk', NULL, 5), ('muzica populara', 'folk', NULL, 50),
	('muzica', 'folk', NULL, 5), ('narodna', 'folk', NULL, 50), ('narodnozabavna', 'folk', 'dance', 50),
	('izvorna', 'folk', NULL, 50), ('starogradska', 'folk', NULL, 50), ('sevdah', 'folk', NULL, 50),
	('tamburica', 'folk', NULL, 50), ('klapa', 'folk', NULL, 50), ('kolo', 'folk', 'dance', 50),
	('horo', 'folk', 'dance', 50), ('krajiska', 'folk', NULL, 50), ('moderne ludovky', 'folk', NULL, 50),
	('ludovky', 'folk', NULL, 50), ('dechovka', 'folk', NULL, 50), ('goralski', 'folk', NULL, 50),
	('nisiotika', 'folk', NULL, 50), ('entehno', 'folk', NULL, 50), ('arabesk', 'folk', NULL, 50),
	('turkuleri', 'folk', NULL, 50), ('bozlak', 'folk', NULL, 50), ('oyun havasi', 'folk', 'dance', 50),
	('cerkes', 'folk', NULL, 50), ('lezginka', 'folk', 'dance', 50), ('kavkaz', 'folk', NULL, 50),
	('meyxana', 'folk', NULL, 50), ('dabke', 'folk', 'dance', 50), ('mizrahi', 'folk', NULL, 50),
	('mediterranean', 'folk', NULL, 5), ('khaliji', 'folk', NULL, 50), ('khaleeji', 'folk', NULL, 50),
	('jalsat', 'folk', NULL, 50), ('sheilat', 'folk', NULL, 50), ('chaabi', 'folk', NULL, 50),
	('shaabi', 'folk', NULL, 50), ('rai', 'folk', NULL, 50), ('gnawa', 'folk', NULL, 50),
	('kabyle', 'folk', NULL, 50), ('tamazight', 'folk', NULL, 50), ('mezwed', 'folk', NULL, 50),
	('maghreb', 'folk', NULL, 5), ('tuareg', 'folk', NULL, 50), ('touareg', 'folk', NULL, 50),
	('griot', 'folk', NULL, 50), ('mandingue', 'folk', NULL, 50), ('wassoulou', 'folk', NULL, 50),
	('mbalax', 'folk', 'dance', 50), ('soukous', 'folk', 'dance', 50), ('ndombolo', 'folk', 'dance', 50),
	('sebene', 'folk', 'dance', 50), ('coupe decale', 'folk', 'dance', 50), ('mapouka', 'folk', 'dance', 50),
	('zouglou', 'folk', 'dance', 50), ('makossa', 'folk', 'dance', 50), ('bikutsi', 'folk', 'dance', 50),
	('benga', 'folk', NULL, 50), ('ohangla', 'folk', NULL, 50), ('taarab', 'folk', NULL, 50),
	('zilizopendwa', 'folk', NULL, 50), ('kadongo kamu', 'folk', NULL, 50), ('maskandi', 'folk', NULL, 50),
	('chimurenga', 'folk', NULL, 50), ('sungura', 'folk', NULL, 50), ('juju', 'folk', NULL, 50),
	('fuji', 'folk', NULL, 50), ('frafra', 'folk', NULL, 50), ('baoule', 'folk', NULL, 50),
	('xhosa', 'folk', NULL, 5), ('marrabenta', 'folk', 'dance', 50), ('boeremusiek', 'folk', 'dance', 50),
	('funana', 'folk', 'dance', 50), ('morna', 'folk', NULL, 50), ('semba', 'folk', 'dance', 50),
	('gwoka', 'folk', NULL, 50), ('sega', 'folk', 'dance', 50), ('maloya', 'folk', NULL, 50),
	('musique', 'folk', NULL, 5), ('mariage', 'folk', NULL, 40),
	('campursari', 'folk', NULL, 50), ('keroncong', 'folk', NULL, 50), ('dikir barat', 'folk', NULL, 50),
	('luk thung', 'folk', NULL, 50), ('molam', 'folk', NULL, 50), ('phleng phuea chiwit', 'folk', NULL, 50),
	('minyo', 'folk', NULL, 50), ('minyao', 'folk', NULL, 50), ('manyao', 'folk', NULL, 50),
	('pansori', 'folk', NULL, 50), ('ryukyu', 'folk', NULL, 50), ('xinyao', 'folk', NULL, 50),
	('tan co', 'folk', NULL, 50), ('rasiya', 'folk', NULL, 50), ('ragni', 'folk', NULL, 50),
	('bhava geethe', 'folk', NULL, 50), ('mappila paattu', 'folk', NULL, 50), ('koligeet', 'folk', NULL, 50),
	('lok dohori', 'folk', NULL, 50), ('ho munda', 'folk', NULL, 50), ('maithili', 'folk', NULL, 5),
	('sindhi', 'folk', NULL, 5), ('garba', 'folk', 'dance', 50), ('baithak gana', 'folk', NULL, 50),
	('ceilidh', 'folk', 'dance', 50), ('bothy ballad', 'folk', NULL, 50), ('puirt a beul', 'folk', NULL, 50),
	('pibroch', 'folk', 'instrumental', 50), ('jig', 'folk', 'dance', 40), ('reel', 'folk', 'dance', 40),
	('sean nos', 'folk', NULL, 50), ('irish dance', 'folk', 'dance', 50), ('contra dance', 'folk', 'dance', 50),
	('belly dance', 'folk', 'dance', 50), ('bal musette', 'folk', 'dance', 50), ('landler', 'folk', 'dance', 50),
	('blasmusik', 'folk', 'instrumental', 50), ('blaskapelle', 'folk', 'instrumental', 50),
	('oberkrainer', 'folk', 'dance', 50), ('zillertal', 'folk', NULL, 50), ('stubenmusik', 'folk', 'instrumental', 50),
	('tanzlmusi', 'folk', 'dance', 50), ('schrammelmusik', 'folk', NULL, 50), ('canti alpini', 'folk', NULL, 50),
	('alpen*', 'folk', NULL, 40), ('dweilorkest', 'folk', 'instrumental', 50), ('guggenmusik', 'folk', 'instrumental', 50),
	('street band', 'folk', 'instrumental', 50), ('humppa', 'folk', 'dance', 50),
	('trallalero', 'folk', NULL, 50), ('canto a tenore', 'folk', NULL, 50), ('tarantella', 'folk', 'dance', 50),
	('chant basque', 'folk', NULL, 60), ('trikiti', 'folk', NULL, 50), ('galego', 'folk', NULL, 5),
	('tuna', 'folk', NULL, 50), ('copla', 'folk', NULL, 50), ('sevillanas', 'folk', 'dance', 50),
	('pasodobles', 'folk', 'dance', 50), ('jota', 'folk', NULL, 50), ('cante alentejano', 'folk', NULL, 50),
	('huayno', 'folk', NULL, 50), ('marinera', 'folk', NULL, 50), ('zamba', 'folk', NULL, 50),
	('cueca', 'folk', NULL, 50), ('chamame', 'folk', NULL, 50), ('joropo', 'folk', NULL, 50),
	('tinku', 'folk', NULL, 50), ('chilena', 'folk', NULL, 5), ('tunantada', 'folk', NULL, 50),
	('andean', 'folk', NULL, 40), ('andina', 'folk', NULL, 40), ('canto popular', 'folk', NULL, 50),
	('hawaiian', 'folk', NULL, 5), ('hula', 'folk', NULL, 50), ('slack key', 'folk', 'instrumental', 50),
	('palm wine', 'folk', NULL, 50), ('kapa haka', 'folk', NULL, 50), ('waiata', 'folk', NULL, 50),
	('tarava', 'folk', NULL, 50), ('polynesian', 'folk', NULL, 5), ('tahitian', 'folk', NULL, 5),
	('gumbe', 'folk', NULL, 50), ('dakke dak', 'folk', NULL, 50), ('rondalla', 'folk', 'instrumental', 50),
	('polca', 'folk', 'dance', 50), ('arpa', 'folk', 'instrumental', 40),
	('percussion', 'folk', 'instrumental', 5), ('fingerstyle', 'folk', 'instrumental', 50),
	('irish flute', 'folk', 'instrumental', 50), ('fiddle', 'folk', 'instrumental', 40),
	('accordion', 'folk', 'instrumental', 40), ('accordeon', 'folk', 'instrumental', 40),
	('akordeon', 'folk', 'instrumental', 40), ('harmonikka', 'folk', 'instrumental', 40),
	('trekkspill', 'folk', 'instrumental', 40), ('dragspel', 'folk', 'instrumental', 40),
	('heligonka', 'folk', 'instrumental', 40), ('concertina', 'folk', 'instrumental', 40),
	('organetto', 'folk', 'instrumental', 40), ('fisarmonica', 'folk', 'instrumental', 40),
	('schwyzerorgeli', 'folk', 'instrumental', 40), ('bagpipe', 'folk', 'instrumental', 40),
	('uilleann pipes', 'folk', 'instrumental', 50), ('smallpipe', 'folk', 'instrumental', 40),
	('gaida', 'folk', 'instrumental', 40), ('zampogna', 'folk', 'instrumental', 40),
	('hurdy gurdy', 'folk', 'instrumental', 50), ('nyckelharpa', 'folk', 'instrumental', 40),
	('hardingfele', 'folk', 'instrumental', 40), ('kantele', 'folk', 'instrumental', 40),
	('banjo', 'folk', 'instrumental', 40), ('mandolin', 'folk', 'instrumental', 40),
	('bouzouki', 'folk', 'instrumental', 40), ('balalaika', 'folk', 'instrumental', 40),
	('dombra', 'folk', 'instrumental', 40), ('bandura', 'folk', 'instrumental', 40),
	('baglama', 'folk', 'instrumental', 40), ('cimbalom', 'folk', 'instrumental', 40),
	('cimbalova', 'folk', 'instrumental', 40), ('dulcimer', 'folk', 'instrumental', 40),
	('autoharp', 'folk', 'instrumental', 40), ('zither', 'folk', 'instrumental', 40),
	('jaw harp', 'folk', 'instrumental', 50), ('ukulele', 'folk', 'instrumental', 40),
	('handpan', 'folk', 'instrumental', 40), ('didgeridoo', 'folk', 'instrumental', 40),
	('djembe', 'folk', 'instrumental', 40), ('darbuka', 'folk', 'instrumental', 40),
	('taiko', 'folk', 'instrumental', 40), ('shakuhachi', 'folk', 'instrumental', 40),
	('shamisen', 'folk', 'instrumental', 40), ('koto', 'folk', 'instrumental', 40),
	('gayageum', 'folk', 'instrumental', 40), ('erhu', 'folk', 'instrumental', 40),
	('guzheng', 'folk', 'instrumental', 40), ('guqin', 'folk', 'instrumental', 40),
	('pipa', 'folk', 'instrumental', 40), ('dizi', 'folk', 'instrumental', 40),
	('huqin', 'folk', 'instrumental', 40), ('oud', 'folk', 'instrumental', 40),
	('qanun', 'folk', 'instrumental', 40), ('ney', 'folk', 'instrumental', 40),
	('duduk', 'folk', 'instrumental', 40), ('santur', 'folk', 'instrumental', 40),
	('tar', 'folk', 'instrumental', 40), ('kora', 'folk', 'instrumental', 40),
	('ngoni', 'folk', 'instrumental', 40), ('balafon', 'folk', 'instrumental', 40),
	('mbira', 'folk', 'instrumental', 40), ('marimba', 'folk', 'instrumental', 40),
	('dambora', 'folk', 'instrumental', 40), ('cifteli', 'folk', 'instrumental', 40),
	('alphorn', 'folk', 'instrumental', 40), ('panpipe', 'folk', 'instrumental', 40),
	('charango', 'folk', 'instrumental', 40), ('cuatro', 'folk', 'instrumental', 40),
	('violao', 'folk', 'instrumental', 40), ('viola caipira', 'folk', 'instrumental', 50),
	('guitarra', 'folk', 'instrumental', 40), ('tololoche', 'folk', 'instrumental', 40),
	('gong', 'folk', 'instrumental', 40), ('music box', 'folk', 'instrumental', 50),
	('band organ', 'folk', 'instrumental', 50), ('draaiorgel', 'folk', 'instrumental', 50),
	('steelpan', 'reggae', 'instrumental', 50), ('steel guitar', 'country', 'instrumental', 50),
	('bandoneon', 'latin', 'instrumental', 40), ('bandolim', 'latin', 'instrumental', 40),

	-- country
	('old time', 'country', NULL, 50), ('bakersfield sound', 'country', NULL, 50),
	('cosmic american', 'country', NULL, 50), ('redneck', 'country', NULL, 40),
	('old west', 'country', NULL, 50), ('bush ballad', 'country', NULL, 50),
	('clawhammer', 'country', 'instrumental', 50),

	-- latin american and brazilian
	('huapango', 'latin', NULL, 50), ('tierra caliente', 'latin', NULL, 50), ('tamborazo', 'latin', NULL, 50),
	('tecnobanda', 'latin', NULL, 50), ('cantaditas', 'latin', NULL, 50), ('regional mexicano', 'latin', NULL, 50),
	('tex mex', 'latin', NULL, 50), ('danzon', 'latin', 'dance', 50), ('charanga', 'latin', NULL, 50),
	('boogaloo', 'latin', NULL, 50), ('bomba', 'latin', NULL, 50), ('plena', 'latin', NULL, 50),
	('punta', 'latin', 'dance', 50), ('porro', 'latin', NULL, 50), ('candombe', 'latin', NULL, 50),
	('murga', 'latin', NULL, 50), ('perreo', 'latin', 'dance', 50), ('*perreo', 'latin', 'dance', 50),
	('rkt', 'latin', 'dance', 50), ('cubaton', 'latin', 'dance', 50), ('previa', 'latin', 'dance', 50),
	('chicha', 'latin', NULL, 50), ('tipico', 'latin', NULL, 50), ('orquesta', 'latin', NULL, 40),
	('tropical', 'latin', NULL, 40), ('romantico', 'latin', NULL, 5), ('cubano', 'latin', NULL, 5),
	('huasteco', 'latin', NULL, 50), ('carimbo', 'latin', NULL, 50), ('baiao', 'latin', NULL, 50),
	('lambadao', 'latin', 'dance', 50), ('arrochadeira', 'latin', 'dance', 50), ('batidao', 'latin', NULL, 50),
	('sanfona', 'latin', NULL, 50), ('agronejo', 'latin', NULL, 50), ('partido alto', 'latin', NULL, 50),
	('velha guarda', 'latin', NULL, 50), ('bloco', 'latin', 'dance', 50), ('maracatu', 'latin', NULL, 50),
	('coco', 'latin', NULL, 40), ('capoeira', 'latin', NULL, 50), ('manguebeat', 'latin', NULL, 50),
	('*brega', 'latin', NULL, 50), ('vaqueiro', 'latin', NULL, 40),

	-- reggae and caribbean
	('*dancehall', 'reggae', 'dance', 50), ('basshall', 'reggae', 'dance', 50), ('shatta', 'reggae', 'dance', 50),
	('trinibad', 'reggae', NULL, 50), ('bouyon', 'reggae', 'dance', 50), ('seggae', 'reggae', NULL, 50),
	('mento', 'reggae', NULL, 50), ('nyahbinghi', 'reggae', NULL, 50), ('chutney', 'reggae', 'dance', 50),
	('dennery segment', 'reggae', 'dance', 50), ('raboday', 'reggae', 'dance', 50),
	('twoubadou', 'reggae', 'acoustic', 50), ('kaseko', 'reggae', 'dance', 50), ('jawaiian', 'reggae', NULL, 50),
	('*reggae', 'reggae', NULL, 50), ('euroska', 'reggae', 'dance', 50), ('kaneka', 'reggae', NULL, 50),

	-- last resorts: words that name a region's music or a song form, and
	-- count only when no other word of the genre does
	('music', 'folk', NULL, 5), ('musik', 'folk', NULL, 5), ('muziek', 'folk', NULL, 5),
	('musikk', 'folk', NULL, 5), ('musiikkia', 'folk', NULL, 5), ('tonlist', 'folk', NULL, 5),
	('muzika', 'folk', NULL, 5), ('sarkilar', 'folk', NULL, 5), ('piosenki', 'folk', NULL, 5),
	('mexican', 'latin', NULL, 5), ('naija', 'pop', NULL, 5), ('flow', 'hip hop', NULL, 5),
	('halloween', 'pop', NULL, 5), ('ringtone', 'pop', NULL, 5), ('game', 'classical', NULL, 5),
	('performance', 'classical', NULL, 5), ('musiqi', 'folk', NULL, 5), ('duu', 'folk', NULL, 5),
	('underground', 'hip hop', NULL, 5),
	-- a people, a language or a country alone: its own (regional, traditional) music
	('arabic', 'folk', NULL, 5), ('chinese', 'folk', NULL, 5), ('indian', 'folk', NULL, 5),
	('japanese', 'folk', NULL, 5), ('korean', 'folk', NULL, 5), ('taiwan', 'folk', NULL, 5),
	('thai', 'folk', NULL, 5), ('turkish', 'folk', NULL, 5), ('viet', 'folk', NULL, 5),
	('vietnamese', 'folk', NULL, 5), ('khmer', 'folk', NULL, 5), ('cymraeg', 'folk', NULL, 5),
	('afrikaans', 'folk', NULL, 5), ('scottish', 'folk', NULL, 5), ('irish', 'folk', NULL, 5),
	('liechtenstein', 'folk', NULL, 5), ('esperanto', 'folk', NULL, 5), ('rif', 'folk', NULL, 40),
	-- more of the same families
	('lyeladim', 'children', NULL, 60), ('haur', 'children', NULL, 60), ('bernu', 'children', NULL, 60),
	('barnalog', 'children', NULL, 60), ('vbs', 'children', NULL, 60),
	('motivation', 'spoken word', NULL, 40), ('language', 'spoken word', NULL, 40),
	('erotic*', 'spoken word', NULL, 40), ('erotik', 'spoken word', NULL, 40),
	('gojol', 'devotional', NULL, 50), ('kol isha', 'devotional', NULL, 50), ('zcc', 'devotional', NULL, 50),
	('lldm', 'devotional', NULL, 50),
	('barock*', 'classical', NULL, 50), ('ballet', 'classical', 'instrumental', 40),
	('marcha', 'classical', 'instrumental', 40), ('marsmuziek', 'classical', 'instrumental', 50),
	('cornetas y tambores', 'classical', 'instrumental', 50),
	('american primitive', 'folk', 'instrumental', 50), ('drumming', 'folk', 'instrumental', 40),
	('bamboo', 'folk', 'instrumental', 40), ('gaita', 'folk', NULL, 40), ('bandinhas', 'folk', 'instrumental', 50),
	('stomp', 'folk', NULL, 5), ('trad', 'folk', NULL, 40), ('canco', 'folk', NULL, 50),
	('popullore', 'folk', NULL, 50), ('mulatos', 'folk', NULL, 50), ('sotalaulut', 'folk', NULL, 50),
	('tanci', 'folk', NULL, 50), ('batak', 'folk', NULL, 5), ('sefardi', 'folk', NULL, 50),
	('psicodelia', 'rock', NULL, 40), ('gotico', 'rock', NULL, 40), ('progg', 'rock', NULL, 50),
	('invasion', 'rock', NULL, 40), ('superband', 'rock', NULL, 40), ('ponk', 'punk', NULL, 50),
	('vocal harmony', 'pop', 'acoustic', 50), ('barbershop', 'pop', 'acoustic', 50),
	('comedy rock', 'rock', NULL, 50), ('dub poetry', 'reggae', NULL, 50), ('audiophile', 'pop', 'acoustic', 40),
	('backing track', 'pop', 'instrumental', 50), ('oeteldonk', 'pop', 'dance', 50),
	('orquestas', 'pop', 'dance', 40), ('swoon', 'jazz', 'acoustic', 40),
	('bubblegum dance', 'electronic', 'dance', 5), ('retro dance', 'electronic', 'dance', 5),
	('gregorian dance', 'electronic', 'dance', 60), ('dubsteppe', 'electronic', 'dance', 50),
	('hardvapour', 'electronic', NULL, 50), ('solipsynthm', 'electronic', NULL, 50),
	('rominimal', 'techno', NULL, 50), ('french touch', 'house', NULL, 50),
	('*tango', 'latin', NULL, 50), ('kiz', 'latin', 'dance', 50), ('mex', 'latin', NULL, 40),
	('combos', 'latin', NULL, 40), ('kombina', 'latin', NULL, 50), ('mestissatge', 'latin', NULL, 50),
	('speedrun', 'classical', NULL, 40), ('quartetto', 'classical', 'instrumental', 40),
	('circus', 'classical', 'instrumental', 40), ('fantasy', 'classical', NULL, 40),
	('victorian', 'classical', 'acoustic', 40), ('j acoustic', 'pop', 'acoustic', 50),
	('wrestling', 'pop', NULL, 40), ('song poem', 'pop', NULL, 50), ('geinin', 'pop', NULL, 40),
	('coverchill', 'pop', NULL, 50), ('uplift', 'pop', 'acoustic', 40), ('mecha', 'pop', NULL, 40),
	('tavern', 'folk', NULL, 40), ('new year', 'folk', NULL, 40),
	('writing', 'ambient', NULL, 40), ('guidance', 'ambient', NULL, 40), ('high vibe', 'ambient', NULL, 50),
	('animal', 'ambient', NULL, 40), ('drift', 'hip hop', NULL, 40), ('tzadik', 'experimental', NULL, 50),
	('epa', 'electronic', 'dance', 50), ('chapman stick', 'rock', 'instrumental', 50),
	('edo', 'folk', NULL, 5), ('hla', 'folk', NULL, 5), ('afrofutur*', 'funk', NULL, 40)
) AS t(p, f, g, pr)
ON CONFLICT (pattern) DO NOTHING;
-- lw-ingest publish: rules and the publish log (see extension/sql/75_publish.sql).
-- One row per playlist to keep refreshed: `lw-ingest publish --all` publishes
-- every enabled rule.  The recommend() options are NULL when the rule leaves
-- them to recommend()'s own defaults.
CREATE TABLE listen_wiseer.publish_rules (
	rule               text PRIMARY KEY CHECK (rule <> '' AND pg_catalog.length(rule) <= 100),
	source_playlist    text NOT NULL CHECK (source_playlist <> ''),   -- id or name, as recommend() takes it
	target_name        text NOT NULL CHECK (target_name <> '' AND pg_catalog.length(target_name) <= 100),
	n                  integer NOT NULL DEFAULT 30 CHECK (n BETWEEN 1 AND 10000),
	method             text,
	genre_filter       boolean,
	exclude_outliers   boolean,
	max_per_artist     integer CHECK (max_per_artist >= 1),
	enabled            boolean NOT NULL DEFAULT true,
	-- written by lw-ingest: the playlist it created (committed before any item is
	-- written, so an interrupted run is completed by the next one, never duplicated)
	target_playlist_id text CHECK (target_playlist_id ~ '^[0-9A-Za-z]{1,64}$'),
	published_uris     text[],           -- the track URIs last written, in order; NULL = none yet
	published_snapshot text,             -- Spotify's snapshot_id after that write
	published_at       timestamptz,
	created_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE listen_wiseer.publish_rules IS
	'playlists lw-ingest publish keeps refreshed from recommend(); target_playlist_id and published_* are written by lw-ingest';

-- One row per publish of a rule (BI: what was published when, and how it went).
CREATE TABLE listen_wiseer.publish_runs (
	publish_id         bigserial PRIMARY KEY,
	rule               text NOT NULL,    -- no foreign key: the log outlives a dropped rule
	started_at         timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished_at        timestamptz,
	outcome            text NOT NULL DEFAULT 'running'
	                   CHECK (outcome IN ('running', 'created', 'replaced', 'unchanged', 'failed',
	                                      'needs_login', 'rate_limited', 'forbidden')),
	target_playlist_id text,
	snapshot_id        text,
	track_count        integer CHECK (track_count >= 0),    -- tracks in the published answer
	skipped_count      integer CHECK (skipped_count >= 0),  -- recommended tracks without a Spotify id
	write_requests     integer CHECK (write_requests >= 0), -- POST/PUT requests sent
	created_target     boolean NOT NULL DEFAULT false,      -- this run created target_playlist_id
	error              text,
	CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX publish_runs_rule_idx ON listen_wiseer.publish_runs (rule, started_at DESC);

SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_rules', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_runs', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_runs_publish_id_seq', '');
-- 1.1: plain columns for BI tools and a read-only login (extension/sql/75_bi.sql; the genre-mix
-- views of extension/sql/50_genre_map.sql label a missing group 'unknown'; create_reader_login
-- joins the maintenance functions of extension/sql/70_roles.sql).

-- Share of each group among a playlist's current members (each occurrence
-- counts; genre_group 'unknown' = tracks whose genres are unknown or map to
-- no group: a label a chart can show, where NULL would be a blank slice).
CREATE OR REPLACE VIEW listen_wiseer.playlist_genre_mix AS
	SELECT pt.playlist_id, COALESCE(tg.genre_group, 'unknown') AS genre_group, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.genre_group, 'unknown');

-- The same by family ('unknown' likewise).
CREATE OR REPLACE VIEW listen_wiseer.playlist_family_mix AS
	SELECT pt.playlist_id, COALESCE(tg.family, 'unknown') AS family, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.family, 'unknown');

-- The functions that write: kept from the reader, and not public.
CREATE OR REPLACE FUNCTION listen_wiseer.maintenance_functions() RETURNS regprocedure[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT f::regprocedure FROM pg_catalog.unnest(ARRAY[
		'listen_wiseer.refresh_vectors()',
		'listen_wiseer.recommend_pool_sync(text[])',
		'listen_wiseer.refresh_recommend_pool()',
		'listen_wiseer.grant_reader(regrole)',
		'listen_wiseer.grant_ingest(regrole)',
		'listen_wiseer.create_reader_login(text,text)']) AS u(f)
		WHERE pg_catalog.to_regprocedure(f) IS NOT NULL);

-- ---------------------------------------------------------------------------
-- BI tools: views with plain columns only (text, numbers, booleans, dates,
-- timestamps: no feature_vector, jsonb or arrays, which JDBC, ODBC and
-- pandas read as strings or objects), and a read-only login for them.
-- docs/design/bi.md explains the choices; README "BI tools" the recipe.
-- ---------------------------------------------------------------------------

-- The standardized features of each library track, one double precision
-- column each: the values recommend() and the outlier forest compare
-- (weight * (x - mean) / stddev over the library; listen_wiseer.feature_scaling
-- holds mean, stddev and weight).  Tracks without audio features have no row.
-- The vector stores float4: each value is its shortest decimal form read as
-- float8, so a tool shows 1.3688806 and not 1.3688806295394897.
CREATE VIEW listen_wiseer.track_features_standardized AS
	SELECT tv.track_id, x.a[1]::text::double precision AS danceability,
	       x.a[2]::text::double precision AS energy, x.a[3]::text::double precision AS loudness,
	       x.a[4]::text::double precision AS speechiness, x.a[5]::text::double precision AS acousticness,
	       x.a[6]::text::double precision AS instrumentalness, x.a[7]::text::double precision AS liveness,
	       x.a[8]::text::double precision AS valence, x.a[9]::text::double precision AS tempo
	  FROM listen_wiseer.track_vectors tv
	  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
	 CROSS JOIN LATERAL (SELECT tv.v::real[] AS a) x
	 WHERE t.in_library;
COMMENT ON VIEW listen_wiseer.track_features_standardized IS
	'standardized audio features of the library''s tracks, one float8 column each';

-- A release date as Spotify gives it ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD') as
-- the first day it can mean; NULL when it is no such date (year 0, month 13,
-- February 30).
CREATE FUNCTION listen_wiseer.release_date_value(release_date text) RETURNS date
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE
		WHEN release_date OPERATOR(pg_catalog.!~) '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'
		  OR pg_catalog.left(release_date, 4)::integer < 1 THEN NULL
		WHEN pg_catalog.length(release_date) = 4 THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer, 1, 1)
		WHEN pg_catalog.substr(release_date, 6, 2)::integer NOT BETWEEN 1 AND 12 THEN NULL
		WHEN pg_catalog.length(release_date) = 7 THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
			                     pg_catalog.substr(release_date, 6, 2)::integer, 1)
		-- the day must exist in that month: the month's first day plus day - 1 stays in it
		WHEN pg_catalog.substr(release_date, 9, 2)::integer BETWEEN 1 AND 31
		 AND pg_catalog.date_part('month',
		         pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
		                              pg_catalog.substr(release_date, 6, 2)::integer, 1)
		         OPERATOR(pg_catalog.+) (pg_catalog.substr(release_date, 9, 2)::integer - 1))
		     = pg_catalog.substr(release_date, 6, 2)::integer THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
			                     pg_catalog.substr(release_date, 6, 2)::integer,
			                     pg_catalog.substr(release_date, 9, 2)::integer)
	END;
COMMENT ON FUNCTION listen_wiseer.release_date_value(text) IS
	'a release date (YYYY, YYYY-MM or YYYY-MM-DD) as the first day it can mean, NULL if no such date';

-- Release dates as dates, for a time axis.  release_date_precision says what
-- the date stands for ('year': any day of that year, 'month', 'day'), from
-- the text itself.
CREATE VIEW listen_wiseer.track_release_dates AS
	SELECT t.track_id, listen_wiseer.release_date_value(t.release_date) AS release_date,
	       CASE pg_catalog.length(t.release_date)
	            WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END AS release_date_precision,
	       pg_catalog.date_part('year', listen_wiseer.release_date_value(t.release_date))::integer
	         AS release_year
	  FROM listen_wiseer.tracks t
	 WHERE t.in_library;
COMMENT ON VIEW listen_wiseer.track_release_dates IS
	'release dates of the library''s tracks as date (first day meant) and its precision';

-- One counter of ingest_runs.counts (0 when absent: the ingestor writes only
-- non-zero counters; NULL for a value that is not a whole number).
CREATE FUNCTION listen_wiseer.run_count(counts jsonb, name text) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE
		WHEN (counts OPERATOR(pg_catalog.->) name) IS NULL THEN 0
		WHEN pg_catalog.jsonb_typeof(counts OPERATOR(pg_catalog.->) name) = 'number'
		 AND (counts OPERATOR(pg_catalog.->>) name) OPERATOR(pg_catalog.~) '^-?[0-9]{1,18}$'
		THEN (counts OPERATOR(pg_catalog.->>) name)::bigint
	END;
COMMENT ON FUNCTION listen_wiseer.run_count(jsonb, text) IS
	'one counter of ingest_runs.counts as bigint (0 when absent)';

-- Sync health, one row per lw-ingest run (sync and import-features).
--   duration_s      finished_at - started_at in seconds (NULL while running)
--   requests        HTTP requests to the Web API
--   tracks_new      tracks first seen in this run; tracks_changed: known tracks written again
--   features_filled tracks whose audio features this run loaded
--   genres_filled   artists whose genre list this run wrote (fetched with a genres field, or
--                   a genres_filled counter of an enrichment step)
--   warnings        how many warnings the run recorded (ingest_runs.warnings has them)
CREATE VIEW listen_wiseer.sync_health AS
	SELECT r.run_id, r.command, r.started_at, r.finished_at, r.status,
	       pg_catalog.date_part('epoch', r.finished_at OPERATOR(pg_catalog.-) r.started_at) AS duration_s,
	       listen_wiseer.run_count(r.counts, 'requests') AS requests,
	       listen_wiseer.run_count(r.counts, 'tracks_new') AS tracks_new,
	       listen_wiseer.run_count(r.counts, 'tracks_upserted')
	         - listen_wiseer.run_count(r.counts, 'tracks_new') AS tracks_changed,
	       listen_wiseer.run_count(r.counts, 'features_loaded') AS features_filled,
	       listen_wiseer.run_count(r.counts, 'genres_filled')
	         + listen_wiseer.run_count(r.counts, 'artists_loaded')
	         - listen_wiseer.run_count(r.counts, 'artists_without_genres_field') AS genres_filled,
	       pg_catalog.cardinality(r.warnings) AS warnings,
	       r.error
	  FROM listen_wiseer.ingest_runs r;
COMMENT ON VIEW listen_wiseer.sync_health IS
	'one row per lw-ingest run: when, status, duration, requests, what it filled, warnings';

-- ---------------------------------------------------------------------------
-- A login for a BI tool or a person, read-only for real:
--   * privileges first: it is a member of lw_reader, which may only read
--     (grant_reader: SELECT and the analysis functions, no write privilege);
--   * and default_transaction_read_only = on set on the LOGIN itself (a
--     role's settings are not inherited by its members), so even what
--     privileges cannot stop (temporary tables, large objects) fails unless
--     the session turns it off on purpose.
-- Creates lw_reader when it does not exist, and (re)grants it the reader's
-- rights in this database.  password NULL: none (set one with \password).
-- Run it as a superuser or a role with CREATEROLE that may grant lw_reader.
-- ---------------------------------------------------------------------------
CREATE FUNCTION listen_wiseer.create_reader_login(name text, password text DEFAULT NULL) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF name IS NULL OR name = '' THEN
		RAISE EXCEPTION 'login name must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = name) THEN
		RAISE EXCEPTION 'role "%" already exists', name USING ERRCODE = 'duplicate_object',
			HINT = 'Choose another name, or drop the role first.';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'lw_reader') THEN
		EXECUTE 'CREATE ROLE lw_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION';
	END IF;
	PERFORM listen_wiseer.grant_reader('lw_reader');
	EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
		' NOBYPASSRLS INHERIT IN ROLE lw_reader PASSWORD %L', name, password);
	EXECUTE pg_catalog.format('ALTER ROLE %I SET default_transaction_read_only = on', name);
END;
$$;
COMMENT ON FUNCTION listen_wiseer.create_reader_login(text, text) IS
	'create a read-only login (member of lw_reader, read-only transactions by default) for a BI tool';
REVOKE EXECUTE ON FUNCTION listen_wiseer.create_reader_login(text, text) FROM PUBLIC;

-- (Roles that read the 1.0 library get the new views through 98_regrant_roles.sql.)
-- recommend() 1.1 (extension/sql/30_scaling.sql, extension/sql/60_recommend.sql):
-- scaling statistics over the library, catalog vectors on their own slowly
-- following statistics; the pool knows library from catalog; recommend() takes
-- n as bigint and source, returns similarity, and is orchestrated in C.

-- Scaling: the library's statistics; the catalog's own (a 1.0 database has no
-- catalog: they start as the library's).
ALTER TABLE listen_wiseer.feature_stats
	ADD COLUMN catalog_mean double precision[],
	ADD COLUMN catalog_scale double precision[];
UPDATE listen_wiseer.feature_stats SET catalog_mean = mean, catalog_scale = scale;
CREATE OR REPLACE FUNCTION listen_wiseer.refresh_vectors() RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	names    text[] := listen_wiseer.feature_names();
	d        int := pg_catalog.array_length(names, 1);
	st       record;
	w        double precision[];
	scale    double precision[];
	written  bigint;
	more     bigint;
	old      record;
	c_mean   double precision[];
	c_scale  double precision[];
	drift    double precision;
BEGIN
	-- Serialize concurrent refreshes; readers are never blocked.
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('listen_wiseer.refresh_vectors'));

	SELECT pg_catalog.count(*) AS n,
	       ARRAY[pg_catalog.avg(danceability), pg_catalog.avg(energy), pg_catalog.avg(loudness),
	             pg_catalog.avg(speechiness), pg_catalog.avg(acousticness), pg_catalog.avg(instrumentalness),
	             pg_catalog.avg(liveness), pg_catalog.avg(valence), pg_catalog.avg(tempo)]::double precision[] AS mean,
	       ARRAY[pg_catalog.stddev_pop(danceability), pg_catalog.stddev_pop(energy), pg_catalog.stddev_pop(loudness),
	             pg_catalog.stddev_pop(speechiness), pg_catalog.stddev_pop(acousticness),
	             pg_catalog.stddev_pop(instrumentalness), pg_catalog.stddev_pop(liveness),
	             pg_catalog.stddev_pop(valence), pg_catalog.stddev_pop(tempo)]::double precision[] AS sd
	  INTO st
	  FROM listen_wiseer.audio_features f
	  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id
	 -- the library's; everyone's when the library has no features (a catalog alone)
	 WHERE t.in_library
	    OR NOT EXISTS (SELECT FROM listen_wiseer.audio_features lf
	                     JOIN listen_wiseer.tracks lt ON lt.track_id = lf.track_id AND lt.in_library);

	SELECT s.catalog_mean, s.catalog_scale INTO old FROM listen_wiseer.feature_stats s;
	DELETE FROM listen_wiseer.feature_stats;
	IF st.n = 0 THEN
		DELETE FROM listen_wiseer.track_vectors;
		RETURN 0;
	END IF;

	SELECT pg_catalog.array_agg(COALESCE(fw.weight, 1.0) ORDER BY f.position)
	  INTO w
	  FROM pg_catalog.unnest(names) WITH ORDINALITY AS f(feature, position)
	  LEFT JOIN listen_wiseer.feature_weights fw ON fw.feature = f.feature;

	SELECT pg_catalog.array_agg(CASE WHEN st.sd[i] > 1e-12 THEN w[i] / st.sd[i] ELSE 0 END ORDER BY i)
	  INTO scale
	  FROM pg_catalog.generate_series(1, d) AS i;

	-- The catalog's statistics: kept while within 0.01 standardized units of
	-- the library's (a mean's shift in stddevs, a scale's relative change,
	-- per feature), else the library's (and every catalog vector is rewritten).
	SELECT pg_catalog.max(GREATEST(pg_catalog.abs(old.catalog_mean[i] - st.mean[i]) * scale[i],
	                               CASE WHEN scale[i] = 0 AND old.catalog_scale[i] = 0 THEN 0
	                                    WHEN scale[i] = 0 THEN 1
	                                    ELSE pg_catalog.abs(old.catalog_scale[i] / scale[i] - 1) END))
	  INTO drift
	  FROM pg_catalog.generate_series(1, d) AS i;
	IF old.catalog_mean IS NOT NULL AND drift <= 0.01 THEN
		c_mean := old.catalog_mean;
		c_scale := old.catalog_scale;
	ELSE
		c_mean := st.mean;
		c_scale := scale;
	END IF;

	INSERT INTO listen_wiseer.feature_stats (n, mean, stddev, weight, scale, catalog_mean, catalog_scale)
	VALUES (st.n, st.mean, st.sd, w, scale, c_mean, c_scale);

	-- Upsert, touching only rows whose vector changed (orphans go with their
	-- features, by the triggers track_vectors_features_gone): the library's vectors ...
	INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
	SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), st.mean, scale)
	  FROM listen_wiseer.audio_features f
	  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND t.in_library
	ON CONFLICT (track_id) DO UPDATE SET v = EXCLUDED.v
	  WHERE tv.v::real[] IS DISTINCT FROM EXCLUDED.v::real[];
	GET DIAGNOSTICS written = ROW_COUNT;
	-- ... and the catalog's: all of them when their statistics changed, else
	-- only those without a vector yet, if any (a vector goes with its
	-- features, so equal counts mean every track has its vector: two
	-- counts cost far less than the anti-join over a large catalog)
	IF c_mean IS NOT DISTINCT FROM old.catalog_mean AND c_scale IS NOT DISTINCT FROM old.catalog_scale THEN
		IF (SELECT pg_catalog.count(*) FROM listen_wiseer.track_vectors)
		   >= (SELECT pg_catalog.count(*) FROM listen_wiseer.audio_features) THEN
			RETURN written;
		END IF;
		INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
		SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale)
		  FROM listen_wiseer.audio_features f
		  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library
		 WHERE NOT EXISTS (SELECT FROM listen_wiseer.track_vectors x WHERE x.track_id = f.track_id);
	ELSE
		-- 1.1: the changed vectors updated and the missing inserted, not one
		-- INSERT ... ON CONFLICT, whose speculative insertion cost a 1.2M-track
		-- catalog import seconds
		UPDATE listen_wiseer.track_vectors tv SET v = n.v
		  FROM (SELECT f.track_id,
		               @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale) AS v
		          FROM listen_wiseer.audio_features f
		          JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library) n
		 WHERE tv.track_id = n.track_id AND tv.v::real[] IS DISTINCT FROM n.v::real[];
		GET DIAGNOSTICS more = ROW_COUNT;
		written := written + more;
		INSERT INTO listen_wiseer.track_vectors (track_id, v)
		SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale)
		  FROM listen_wiseer.audio_features f
		  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library
		 WHERE NOT EXISTS (SELECT FROM listen_wiseer.track_vectors x WHERE x.track_id = f.track_id);
	END IF;
	GET DIAGNOSTICS more = ROW_COUNT;
	RETURN written + more;
END;
$$;

CREATE OR REPLACE FUNCTION @extschema@.track_vector(track_id text) RETURNS @extschema@.feature_vector
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT @extschema@.standardize(listen_wiseer.raw_features(f),
	                                       CASE WHEN t.in_library THEN s.mean ELSE s.catalog_mean END,
	                                       CASE WHEN t.in_library THEN s.scale ELSE s.catalog_scale END)
	        FROM listen_wiseer.audio_features f
	        JOIN listen_wiseer.tracks t ON t.track_id = f.track_id,
	             listen_wiseer.feature_stats s
	        WHERE f.track_id = track_vector.track_id);

-- Nothing called them.
DROP FUNCTION listen_wiseer.recommend_best_share(text[], text[], double precision[]);
DROP FUNCTION listen_wiseer.recommend_mean_share(text[], text[], double precision[]);

-- The pool knows library tracks from catalog ones; every 1.0 track is the library's.
ALTER TABLE listen_wiseer.recommend_pool
	ADD COLUMN in_library boolean NOT NULL DEFAULT true;
ALTER TABLE listen_wiseer.recommend_signatures
	ADD COLUMN library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0);
UPDATE listen_wiseer.recommend_signatures SET library_tracks = tracks;
ALTER TABLE listen_wiseer.recommend_artist_tracks
	ADD COLUMN library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0);
UPDATE listen_wiseer.recommend_artist_tracks SET library_tracks = tracks;
CREATE INDEX recommend_pool_library_signature_idx ON listen_wiseer.recommend_pool (genres) WHERE in_library;

CREATE OR REPLACE FUNCTION listen_wiseer.recommend_pool_sync(ids text[]) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET jit = off   -- compiling the rebuild's plan cost a second and gained nothing
AS $$
DECLARE
	written bigint;
BEGIN
	IF ids IS NULL THEN
		-- a rebuild: load without the genre indexes, then build them in one pass
		TRUNCATE listen_wiseer.recommend_pool, listen_wiseer.recommend_signatures,
		         listen_wiseer.recommend_artist_tracks;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_genres_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_signature_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_library_signature_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_artists_idx;
		-- (the key too: built once after the load, not row by row in the
		-- pool's order, which is by signature)
		ALTER TABLE listen_wiseer.recommend_pool DROP CONSTRAINT recommend_pool_pkey;
		-- a bulk load may have just written the credits: plan with their real
		-- shape (without statistics the planner guessed 200 tracks and sorted
		-- and merged 1.2M rows several times over; see docs/design/catalog.md)
		ANALYZE listen_wiseer.track_artists;
		ANALYZE listen_wiseer.artists;
		-- every track: credits aggregated once per track, each artist's
		-- genres mapped once, ordered unions only for several credits
		INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v, in_library)
		WITH gm AS MATERIALIZED (
			SELECT d.genre, m.family, m.genre_group
			  FROM (SELECT DISTINCT g.genre FROM listen_wiseer.artists a, pg_catalog.unnest(a.genres) AS g(genre)) d
			  CROSS JOIN LATERAL @extschema@.genre_map(d.genre) m
		), ra AS MATERIALIZED (
			SELECT a.artist_id, a.genres, COALESCE(f.families, '{}') AS families, COALESCE(f.groups, '{}') AS groups
			  FROM listen_wiseer.artists a
			  LEFT JOIN (SELECT a.artist_id,
			                    pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
			                    pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
			               FROM listen_wiseer.artists a, pg_catalog.unnest(a.genres) AS g(genre), gm
			              WHERE gm.genre = g.genre
			              GROUP BY a.artist_id) f ON f.artist_id = a.artist_id
			 WHERE a.genres IS NOT NULL
		), cred AS MATERIALIZED (
			SELECT x.track_id, pg_catalog.array_agg(x.artist_id ORDER BY x.position) AS artist_ids
			  FROM listen_wiseer.track_artists x GROUP BY x.track_id
		), several AS MATERIALIZED (
			SELECT c.track_id, k.position, ra.genres
			  FROM cred c, pg_catalog.unnest(c.artist_ids) WITH ORDINALITY AS k(artist_id, position), ra
			 WHERE pg_catalog.cardinality(c.artist_ids) > 1 AND ra.artist_id = k.artist_id
		), several_genres AS (
			SELECT u.track_id, COALESCE(pg_catalog.array_agg(u.genre ORDER BY u.ord) FILTER (WHERE u.genre IS NOT NULL), '{}') AS genres,
			       COALESCE(pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL), '{}') AS families,
			       COALESCE(pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL), '{}') AS groups
			  FROM (SELECT m.track_id, g.genre, pg_catalog.min(m.position * 10000 + g.ord) AS ord
			          FROM several m LEFT JOIN LATERAL pg_catalog.unnest(m.genres) WITH ORDINALITY AS g(genre, ord) ON true
			         GROUP BY m.track_id, g.genre) u
			  LEFT JOIN gm ON gm.genre = u.genre
			 GROUP BY u.track_id
		)
		SELECT tv.track_id, COALESCE(c.artist_ids, '{}'),
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN sg.genres ELSE r1.genres END,
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN COALESCE(sg.families, '{}') ELSE COALESCE(r1.families, '{}') END,
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN COALESCE(sg.groups, '{}') ELSE COALESCE(r1.groups, '{}') END,
		       tv.v, t.in_library
		  FROM listen_wiseer.track_vectors tv
		  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
		  LEFT JOIN cred c ON c.track_id = tv.track_id
		  LEFT JOIN ra r1 ON r1.artist_id = c.artist_ids[1] AND pg_catalog.cardinality(c.artist_ids) = 1
		  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
		-- (laid out by signature: a round of recommend() reads a signature's
		-- tracks from a few pages instead of one page each)
		 ORDER BY 3;
	ELSE
		WITH gone AS (
			DELETE FROM listen_wiseer.recommend_pool p WHERE p.track_id = ANY (ids)
			RETURNING p.genres, p.artist_ids, p.in_library
		), counted AS (
			SELECT g.genres, pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE g.in_library) AS nl FROM gone g
			 WHERE g.genres IS NOT NULL AND g.genres <> '{}' GROUP BY g.genres
		), credited AS (
			SELECT a.artist_id, pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE g.in_library) AS nl
			  FROM gone g, LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(g.artist_ids) x(id)) a
			 GROUP BY a.artist_id
		), uncounted AS (
			UPDATE listen_wiseer.recommend_artist_tracks t SET tracks = GREATEST(t.tracks - c.n, 0),
			                                                  library_tracks = GREATEST(t.library_tracks - c.nl, 0)
			  FROM credited c WHERE t.artist_id = c.artist_id
		), emptied AS (
			-- signatures whose last track went (the UPDATE below skips them);
			-- only those: probing every signature cost seconds per statement
			-- on a large library
			DELETE FROM listen_wiseer.recommend_signatures s
			 USING counted c WHERE s.genres = c.genres AND s.tracks <= c.n
		)
		UPDATE listen_wiseer.recommend_signatures s SET tracks = s.tracks - c.n,
		                                                library_tracks = GREATEST(s.library_tracks - c.nl, 0)
		  FROM counted c WHERE s.genres = c.genres AND s.tracks > c.n;

		INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v, in_library)
		WITH credits AS MATERIALIZED (
			SELECT x.track_id, x.position, x.artist_id
			  FROM listen_wiseer.track_artists x
			 WHERE x.track_id = ANY (ids)
		), credit_count AS MATERIALIZED (
			SELECT c.track_id, pg_catalog.count(*) AS n FROM credits c GROUP BY c.track_id
		), a AS MATERIALIZED (
			-- the artists involved, with their genres mapped to families and groups
			SELECT a.artist_id, a.genres
			  FROM listen_wiseer.artists a
			 WHERE a.artist_id IN (SELECT c.artist_id FROM credits c)
		), gm AS MATERIALIZED (
			SELECT d.genre, m.family, m.genre_group
			  FROM (SELECT DISTINCT g.genre FROM a, pg_catalog.unnest(a.genres) AS g(genre)) d
			  CROSS JOIN LATERAL @extschema@.genre_map(d.genre) m
		), ra AS MATERIALIZED (
			SELECT a.artist_id, a.genres, COALESCE(f.families, '{}') AS families, COALESCE(f.groups, '{}') AS groups
			  FROM a
			  LEFT JOIN (SELECT a.artist_id,
			                    pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
			                    pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
			               FROM a, pg_catalog.unnest(a.genres) AS g(genre), gm
			              WHERE gm.genre = g.genre
			              GROUP BY a.artist_id) f ON f.artist_id = a.artist_id
		), several AS MATERIALIZED (
			-- tracks with several credits take ordered unions over the credits
			SELECT c.track_id, c.position, c.artist_id, ra.genres
			  FROM credits c
			  LEFT JOIN ra ON ra.artist_id = c.artist_id
			 WHERE c.track_id IN (SELECT cc.track_id FROM credit_count cc WHERE cc.n > 1)
		), several_artists AS (
			SELECT m.track_id, pg_catalog.array_agg(m.artist_id ORDER BY m.position) AS artist_ids,
			       pg_catalog.bool_or(m.genres IS NOT NULL) AS genres_known
			  FROM several m GROUP BY m.track_id
		), several_genres AS (
			SELECT u.track_id, pg_catalog.array_agg(u.genre ORDER BY u.ord) AS genres,
			       pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
			       pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
			  FROM (SELECT m.track_id, g.genre, pg_catalog.min(m.position::bigint * 10000 + g.ord) AS ord
			          FROM several m, pg_catalog.unnest(m.genres) WITH ORDINALITY AS g(genre, ord)
			         GROUP BY m.track_id, g.genre) u
			  LEFT JOIN gm ON gm.genre = u.genre
			 GROUP BY u.track_id
		)
		-- tracks with one credit (the common case: no sort) or none
		SELECT tv.track_id,
		       CASE WHEN c.artist_id IS NULL THEN '{}' ELSE ARRAY[c.artist_id] END,
		       ra.genres, COALESCE(ra.families, '{}'), COALESCE(ra.groups, '{}'), tv.v, t.in_library
		  FROM listen_wiseer.track_vectors tv
		  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
		  LEFT JOIN credit_count cc ON cc.track_id = tv.track_id
		  LEFT JOIN credits c ON c.track_id = tv.track_id AND cc.n = 1
		  LEFT JOIN ra ON ra.artist_id = c.artist_id
		 WHERE tv.track_id = ANY (ids)
		   AND (cc.n IS NULL OR cc.n = 1)
		UNION ALL
		SELECT tv.track_id, sa.artist_ids,
		       CASE WHEN sa.genres_known THEN COALESCE(sg.genres, '{}') END,
		       COALESCE(sg.families, '{}'), COALESCE(sg.groups, '{}'), tv.v, t.in_library
		  FROM listen_wiseer.track_vectors tv
		  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
		  JOIN several_artists sa ON sa.track_id = tv.track_id
		  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
		 WHERE tv.track_id = ANY (ids);
	END IF;
	GET DIAGNOSTICS written = ROW_COUNT;
	IF ids IS NULL THEN
		ALTER TABLE listen_wiseer.recommend_pool ADD CONSTRAINT recommend_pool_pkey PRIMARY KEY (track_id);
		CREATE INDEX recommend_pool_genres_idx ON listen_wiseer.recommend_pool USING gin (genres);
		CREATE INDEX recommend_pool_signature_idx ON listen_wiseer.recommend_pool (genres);
		CREATE INDEX recommend_pool_library_signature_idx ON listen_wiseer.recommend_pool (genres) WHERE in_library;
		CREATE INDEX recommend_pool_artists_idx ON listen_wiseer.recommend_pool USING gin (artist_ids);
		INSERT INTO listen_wiseer.recommend_signatures (genres, families, groups, tracks, library_tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*),
		       pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres;
		-- (an artist credited twice on a track counts it once: later credits of
		-- the same artist are skipped, without a DISTINCT per track)
		INSERT INTO listen_wiseer.recommend_artist_tracks (artist_id, tracks, library_tracks)
		SELECT x.id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p,
		       pg_catalog.unnest(p.artist_ids) WITH ORDINALITY AS x(id, i)
		 WHERE x.i = 1 OR x.id <> ALL (p.artist_ids[1:x.i - 1])
		 GROUP BY x.id;
		ANALYZE listen_wiseer.recommend_pool;
		ANALYZE listen_wiseer.recommend_signatures;
		ANALYZE listen_wiseer.recommend_artist_tracks;
	ELSE
		INSERT INTO listen_wiseer.recommend_signatures AS s (genres, families, groups, tracks, library_tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*),
		       pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.track_id = ANY (ids) AND p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres
		ON CONFLICT (genres) DO UPDATE SET tracks = s.tracks + EXCLUDED.tracks,
		                                   library_tracks = s.library_tracks + EXCLUDED.library_tracks,
		                                   families = EXCLUDED.families, groups = EXCLUDED.groups;
		INSERT INTO listen_wiseer.recommend_artist_tracks AS t (artist_id, tracks, library_tracks)
		SELECT a.artist_id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p,
		       LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(p.artist_ids) x(id)) a
		 WHERE p.track_id = ANY (ids)
		 GROUP BY a.artist_id
		ON CONFLICT (artist_id) DO UPDATE SET tracks = t.tracks + EXCLUDED.tracks,
		                                      library_tracks = t.library_tracks + EXCLUDED.library_tracks;
	END IF;
	RETURN written;
END;
$$;

CREATE OR REPLACE FUNCTION listen_wiseer.recommend_pool_vectors_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- A statement touching a large part of the library (a bulk load, or
	-- refresh_vectors() after the statistics moved): one rebuild is cheaper.
	IF TG_OP <> 'DELETE' THEN
		-- (the pool's size as last analyzed: counting it cost more than the
		-- statement beside a large catalog)
		IF (SELECT pg_catalog.count(*) FROM new_rows) >
		   GREATEST(10000, (SELECT c.reltuples FROM pg_catalog.pg_class c
		                     WHERE c.oid = 'listen_wiseer.recommend_pool'::pg_catalog.regclass) / 4) THEN
			PERFORM listen_wiseer.recommend_pool_sync(NULL);
			RETURN NULL;
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- refresh_vectors() rewrites vectors: copy them, the genres did not change.
		UPDATE listen_wiseer.recommend_pool p SET v = n.v
		  FROM new_rows n WHERE p.track_id = n.track_id;
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
			SELECT n.track_id FROM new_rows n
			 WHERE NOT EXISTS (SELECT FROM listen_wiseer.recommend_pool p WHERE p.track_id = n.track_id)));
	ELSIF TG_OP = 'INSERT' THEN
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT n.track_id FROM new_rows n));
	ELSE
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT o.track_id FROM old_rows o));
	END IF;
	RETURN NULL;
END;
$$;

-- 1.1: a track joined or left the library (a catalog track the user saved,
-- say): recompute its pool row, which carries in_library, and the library
-- counts of its signature and artists.
CREATE FUNCTION listen_wiseer.recommend_pool_membership_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
		SELECT n.track_id
		  FROM new_rows n JOIN old_rows o ON o.track_id = n.track_id
		 WHERE n.in_library IS DISTINCT FROM o.in_library));
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_upd AFTER UPDATE ON listen_wiseer.tracks
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_membership_changed();

-- recommend(): new signature (n bigint, source), new column (similarity).
DROP FUNCTION @extschema@.recommend(text, integer, text, boolean, boolean, integer);
-- >>> 1.1 recommend() (the upgrade repeats from here)
-- recommend(): the orchestration is C (extension/recommend_run.c: resolve,
-- evidence, candidate rounds, pick, explain); its statements read the tables
-- above.  docs/design/recommend.md describes the method,
-- docs/design/recommend-speed.md the speed.
--   n        how many tracks (bigint: any bound integer type works)
--   source   'all' (default): library and catalog; 'library'; 'catalog':
--            catalog tracks not in the library
-- similarity (0 to 1) is the score's audio part alone:
--   (1 - near) * cosine(track, profile) + near * mean cosine to the k_near
--   most similar members, clamped to [0, 1] (near = 0.7 for 'cosine', 0 for
--   'centroid', 1 for 'nearest'); score adds the genre and artist terms.
CREATE FUNCTION @extschema@.recommend(
		playlist        text,
		n               bigint DEFAULT 20,
		method          text DEFAULT 'cosine',
		genre_filter    boolean DEFAULT true,
		exclude_outliers boolean DEFAULT true,
		max_per_artist  integer DEFAULT 3,
		source          text DEFAULT 'all')
	RETURNS TABLE (rank integer, track_id text, track_name text, artists text,
	               score double precision, similarity double precision, genre_group text, reason text)
	AS 'MODULE_PATHNAME', 'recommend_run'
	LANGUAGE C STABLE
	SET search_path = pg_catalog, pg_temp
	-- its statements take milliseconds: compiling them (a large catalog puts
	-- their estimated cost above jit_above_cost) took up to 100 ms a call
	SET jit = off;
-- Catalog tracks (tracks.in_library = false, imported by lw-ingest import-catalog) are not
-- the user's: the vectors' statistics are the library's, and the library views leave
-- catalog-only tracks and artists out (see extension/sql/30_scaling.sql, 50_genre_map.sql).
-- (refresh_vectors(): statistics from the library's tracks, in 60_recommend.sql)

CREATE OR REPLACE VIEW listen_wiseer.artist_genre AS
	SELECT a.artist_id, v.family, v.genre_group, v.top_genre
	FROM listen_wiseer.artists a
	LEFT JOIN LATERAL @extschema@.genre_vote(a.genres) v ON true
	WHERE EXISTS (SELECT FROM listen_wiseer.track_artists ta
	              JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	              WHERE ta.artist_id = a.artist_id AND t.in_library)
	   OR NOT EXISTS (SELECT FROM listen_wiseer.track_artists ta
	                  JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	                  WHERE ta.artist_id = a.artist_id AND NOT t.in_library);

CREATE OR REPLACE VIEW listen_wiseer.track_genre AS
	SELECT t.track_id, (v.r).family AS family, (v.r).genre_group AS genre_group,
	       (v.r).top_genre AS top_genre
	FROM listen_wiseer.tracks t
	LEFT JOIN (SELECT ta.track_id, @extschema@.genre_vote_agg(a.genres, ta.position::integer) AS r
	           FROM listen_wiseer.track_artists ta
	           JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id
	           GROUP BY ta.track_id) v ON v.track_id = t.track_id
	WHERE t.in_library;

-- the library's tracks still to ask /audio-features for (catalog-only tracks are never asked)
DROP INDEX listen_wiseer.tracks_features_unchecked_idx;
CREATE INDEX tracks_features_unchecked_idx ON listen_wiseer.tracks (track_id)
	WHERE features_checked_at IS NULL AND in_library;

-- 1.1: a credits statement recomputes only the pool rows of tracks with a vector.
CREATE OR REPLACE FUNCTION listen_wiseer.recommend_pool_credits_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids text[];
BEGIN
	-- Only tracks with a vector have pool rows: the credits of the others
	-- (an import's or a sync's new tracks, whose vectors refresh_vectors()
	-- adds later, with their pool rows) change nothing here, and touching
	-- nothing leaves the pool's generation, so every session's copy of the
	-- pool stays valid (sql/62_recommend_pool_generation.sql).
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT n.track_id FROM new_rows n
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = n.track_id));
	ELSIF TG_OP = 'DELETE' THEN
		ids := ARRAY(SELECT DISTINCT o.track_id FROM old_rows o
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = o.track_id));
	ELSE
		ids := ARRAY(SELECT u.track_id FROM (SELECT n.track_id FROM new_rows n UNION SELECT o.track_id FROM old_rows o) u
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = u.track_id));
	END IF;
	IF pg_catalog.cardinality(ids) > 0 THEN
		PERFORM listen_wiseer.recommend_pool_sync(ids);
	END IF;
	RETURN NULL;
END;
$$;

-- ---------------------------------------------------------------------------
-- 1.1: the pool's generation.  recommend() keeps the pool in backend memory
-- between calls (extension/recommend_pool_cache.c) and uses that copy while
-- this number is the one it was built at.  Every statement that writes the
-- pool or its signatures sets a new number, drawn from a sequence (never
-- reused: a rolled-back write cannot alias a later one), in the writer's
-- transaction: a reader's snapshot sees exactly the number of the pool it
-- sees.  (A backend never caches its own uncommitted writes: recommend_run.c
-- checks the row's xmin.)  docs/design/recommend-speed.md.
-- ---------------------------------------------------------------------------
CREATE SEQUENCE listen_wiseer.recommend_pool_generation_seq;
CREATE TABLE listen_wiseer.recommend_pool_generation (
	generation bigint NOT NULL
);
INSERT INTO listen_wiseer.recommend_pool_generation (generation)
VALUES (pg_catalog.nextval('listen_wiseer.recommend_pool_generation_seq'));

CREATE FUNCTION listen_wiseer.recommend_pool_generation_bump() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE listen_wiseer.recommend_pool_generation
	   SET generation = pg_catalog.nextval('listen_wiseer.recommend_pool_generation_seq');
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_generation
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.recommend_pool
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_generation_bump();
CREATE TRIGGER recommend_pool_generation
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.recommend_signatures
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_generation_bump();

-- Roles given rights by 1.0's grant_reader() or grant_ingest() get them again, so they also
-- reach what 1.1 adds (new views, enrichment and publish tables): both functions are
-- idempotent. Only roles named in the objects' own ACLs are re-granted: not the members who
-- inherit through them, nor predefined roles such as pg_read_all_data. Must run after every
-- piece that creates objects.
DO $$
DECLARE
	r text;
BEGIN
	-- grant_ingest: INSERT on the tracks
	FOR r IN
		SELECT a.grantee::pg_catalog.regrole::text
		  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
		 WHERE c.oid = 'listen_wiseer.tracks'::pg_catalog.regclass
		   AND a.privilege_type = 'INSERT' AND a.grantee NOT IN (0, c.relowner)
	LOOP
		PERFORM listen_wiseer.grant_ingest(r::pg_catalog.regrole);
	END LOOP;
	-- grant_reader: SELECT on every relation of the schema, views included
	FOR r IN
		SELECT a.grantee::pg_catalog.regrole::text
		  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
		 WHERE c.oid = 'listen_wiseer.playlist_outliers'::pg_catalog.regclass
		   AND a.privilege_type = 'SELECT' AND a.grantee NOT IN (0, c.relowner)
	LOOP
		PERFORM listen_wiseer.grant_reader(r::pg_catalog.regrole);
	END LOOP;
END;
$$;

-- track_vectors without its foreign key: a vector goes with its features by triggers
-- (sql/30_scaling.sql says why)
ALTER TABLE listen_wiseer.track_vectors DROP CONSTRAINT track_vectors_track_id_fkey;

-- 1.1: the WHEN clause is checked as each row is written, so a bulk load
-- under defer_refresh queues no event at all (1.09M events cost an import
-- 2.6 s at commit, each only to return early).
DROP TRIGGER audio_features_refresh_vectors ON listen_wiseer.audio_features;
DROP TRIGGER feature_weights_refresh_vectors ON listen_wiseer.feature_weights;
CREATE CONSTRAINT TRIGGER audio_features_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.audio_features
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (pg_catalog.current_setting('listen_wiseer.defer_refresh', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION listen_wiseer.vectors_stale();
CREATE CONSTRAINT TRIGGER feature_weights_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.feature_weights
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (pg_catalog.current_setting('listen_wiseer.defer_refresh', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION listen_wiseer.vectors_stale();

-- 1.1: a track's vector goes with its features (what ON DELETE CASCADE did
-- before track_vectors lost its foreign key), one statement per statement.
CREATE FUNCTION listen_wiseer.track_vectors_features_gone() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		-- no features: no statistics and no vectors (deleted, not truncated,
		-- so the pool's triggers follow)
		PERFORM listen_wiseer.refresh_vectors();
	ELSIF TG_LEVEL = 'ROW' THEN
		-- a track's features moved to another track id
		DELETE FROM listen_wiseer.track_vectors tv WHERE tv.track_id = OLD.track_id;
	ELSE
		DELETE FROM listen_wiseer.track_vectors tv USING old_rows o WHERE tv.track_id = o.track_id;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER track_vectors_features_gone AFTER DELETE ON listen_wiseer.audio_features
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();
CREATE TRIGGER track_vectors_features_truncated AFTER TRUNCATE ON listen_wiseer.audio_features
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();
CREATE TRIGGER track_vectors_features_moved AFTER UPDATE OF track_id ON listen_wiseer.audio_features
	FOR EACH ROW WHEN (OLD.track_id IS DISTINCT FROM NEW.track_id)
	EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();

-- Last: derived data is recomputed from the library with this version's functions, so an
-- upgraded database holds what a fresh install loaded with the same rows would (1.1 changes
-- how vectors, the recommend pool, signatures and artist counts are made).
-- On a large library this is the upgrade's longest step (about as long as a full sync's
-- refresh); nothing else needs running afterwards.
SELECT listen_wiseer.refresh_vectors();
SELECT listen_wiseer.refresh_recommend_pool();
