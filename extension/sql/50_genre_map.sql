-- ---------------------------------------------------------------------------
-- Genre map: Spotify's micro-genres -> a family (about 19) and one of four
-- groups (electronic, acoustic, instrumental, dance), by rules the user owns.
-- docs/design/genre-map.md explains the rules and the defaults.
--   genre_map(genre) -> (family, genre_group); genre_family(genre); genre_group(genre)
--   genre_normalize(genre); genre_map_explain(genre)
--   genre_vote(genres text[]); aggregate genre_vote_agg(genres text[], artist_position)
--   views listen_wiseer.artist_genre, track_genre, playlist_genre_mix, playlist_family_mix
-- Tables (user-owned data, kept by pg_dump):
--   listen_wiseer.genre_families, genre_aliases, genre_rules, genre_overrides
-- Default rows carry is_default = true and are not dumped (the extension
-- recreates them); a user change to a default row clears is_default so the
-- row is dumped, and on restore it replaces the recreated default (see the
-- guard triggers).  Deleting a shipped (builtin) rule or alias disables it.
-- ---------------------------------------------------------------------------

CREATE TABLE listen_wiseer.genre_families (
	family      text PRIMARY KEY CHECK (family <> ''),
	genre_group text NOT NULL CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	priority    integer NOT NULL DEFAULT 0,     -- breaks ties in votes: higher wins
	description text,
	builtin     boolean NOT NULL DEFAULT false, -- the key ships with the extension
	is_default  boolean NOT NULL DEFAULT false  -- the row is exactly as shipped (not dumped)
);

-- One-word spellings replaced before matching: 'hiphop' -> 'hip hop'.
CREATE TABLE listen_wiseer.genre_aliases (
	alias      text PRIMARY KEY CHECK (alias ~ '^[^[:space:]]+$'),
	canonical  text NOT NULL CHECK (canonical <> ''),
	enabled    boolean NOT NULL DEFAULT true,
	builtin    boolean NOT NULL DEFAULT false,
	is_default boolean NOT NULL DEFAULT false
);

-- Word patterns: 'hip hop', 'soul', '*core' (word ending in core), 'electro*'.
CREATE TABLE listen_wiseer.genre_rules (
	pattern     text PRIMARY KEY CHECK (pattern ~ '[[:alnum:]]'),
	family      text REFERENCES listen_wiseer.genre_families ON UPDATE CASCADE,
	genre_group text CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	priority    integer NOT NULL DEFAULT 50,
	enabled     boolean NOT NULL DEFAULT true,
	note        text,
	builtin     boolean NOT NULL DEFAULT false,
	is_default  boolean NOT NULL DEFAULT false,
	CHECK (family IS NOT NULL OR genre_group IS NOT NULL)
);

-- Exact genres (compared after normalisation) that win over the rules.
-- NULL family: the family still comes from the rules; NULL genre_group: the
-- group of the family; both NULL: the genre is declared unknown.
CREATE TABLE listen_wiseer.genre_overrides (
	genre       text PRIMARY KEY CHECK (genre <> ''),
	family      text REFERENCES listen_wiseer.genre_families ON UPDATE CASCADE,
	genre_group text CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	note        text
);

COMMENT ON TABLE listen_wiseer.genre_families IS 'genre families and their default group (genre_map)';
COMMENT ON TABLE listen_wiseer.genre_aliases IS 'one-word spelling variants replaced before genre matching';
COMMENT ON TABLE listen_wiseer.genre_rules IS 'word patterns mapping genres to a family and/or group';
COMMENT ON TABLE listen_wiseer.genre_overrides IS 'exact-genre mappings that win over genre_rules';

GRANT SELECT ON listen_wiseer.genre_families, listen_wiseer.genre_aliases,
	listen_wiseer.genre_rules, listen_wiseer.genre_overrides TO PUBLIC;

-- ---------------------------------------------------------------------------
-- The C functions.  STABLE: they read the rule tables (through a per-backend
-- cache that the triggers below invalidate).
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.genre_map(genre text, OUT family text, OUT genre_group text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'genre_map' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.genre_map(text) IS 'family and group of a Spotify genre (NULLs if unknown)';
CREATE FUNCTION @extschema@.genre_family(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_family' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_group(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_group' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_normalize(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_normalize_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_map_explain(genre text, OUT normalized text, OUT family text,
		OUT genre_group text, OUT source text, OUT family_rule text, OUT group_rule text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'genre_map_explain' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.genre_vote_result AS (family text, genre_group text, top_genre text);
CREATE FUNCTION @extschema@.genre_vote(genres text[]) RETURNS @extschema@.genre_vote_result
	AS 'MODULE_PATHNAME', 'genre_vote' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_vote_agg_transfn(internal, text[], integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'genre_vote_agg_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_vote_agg_finalfn(internal) RETURNS @extschema@.genre_vote_result
	AS 'MODULE_PATHNAME', 'genre_vote_agg_finalfn' LANGUAGE C STABLE PARALLEL SAFE;
-- One row per credited artist: weight 1 / (artist_position + 1).
-- SSPACE: the state is a few hundred bytes (lets the planner hash by track).
CREATE AGGREGATE @extschema@.genre_vote_agg(genres text[], artist_position integer) (
	SFUNC = @extschema@.genre_vote_agg_transfn,
	STYPE = internal,
	SSPACE = 600,
	FINALFUNC = @extschema@.genre_vote_agg_finalfn,
	PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------
-- Triggers: cache invalidation, and keeping user changes to default rows.
-- ---------------------------------------------------------------------------
CREATE FUNCTION listen_wiseer.genre_rules_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'genre_rules_changed' LANGUAGE C;

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

-- ---------------------------------------------------------------------------
-- Default taxonomy.  Families: the group a family's genres get unless a rule
-- says otherwise, and the vote tie-break priority (more specific first).
-- ---------------------------------------------------------------------------
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority, description, builtin, is_default)
SELECT f, g, p, d, true, true FROM (VALUES
	('rock',       'acoustic',     30, 'rock and its guitar-band styles'),
	('indie',      'acoustic',     40, 'indie, alternative and lo-fi guitar pop, shoegaze'),
	('pop',        'electronic',   20, 'mainstream and regional pop (k-pop, schlager, enka ...)'),
	('hip hop',    'electronic',   60, 'hip hop, rap, trap, drill, grime'),
	('r&b',        'acoustic',     60, 'r&b, soul, gospel, doo-wop'),
	('funk',       'dance',        60, 'funk, disco, boogie'),
	('blues',      'acoustic',     60, 'blues and its regional styles'),
	('jazz',       'instrumental', 60, 'jazz, swing, bebop, fusion, lounge'),
	('folk',       'acoustic',     60, 'folk, singer-songwriter, chanson, traditional music'),
	('country',    'acoustic',     60, 'country, bluegrass, americana roots'),
	('latin',      'dance',        60, 'latin american and brazilian music: reggaeton, salsa, cumbia, mpb ...'),
	('reggae',     'acoustic',     60, 'reggae, ska, dub, dancehall, caribbean'),
	('electronic', 'electronic',   50, 'electronic music that is not house, techno or ambient'),
	('house',      'dance',        80, 'house and its offshoots'),
	('techno',     'dance',        80, 'techno and hard dance'),
	('ambient',    'electronic',   70, 'ambient, drone, new age, sleep'),
	('classical',  'instrumental', 60, 'classical, soundtrack, opera, choral'),
	('metal',      'acoustic',     70, 'heavy metal and its offshoots'),
	('punk',       'acoustic',     70, 'punk, hardcore, emo')
) AS t(f, g, p, d);

INSERT INTO listen_wiseer.genre_aliases (alias, canonical, builtin, is_default)
SELECT a, c, true, true FROM (VALUES
	('n', 'and'),                 -- drum n bass, rock 'n' roll
	('rnb', 'r and b'), ('randb', 'r and b'),
	('hiphop', 'hip hop'), ('triphop', 'trip hop'),
	('lofi', 'lo fi'),
	('dnb', 'drum and bass'), ('drumnbass', 'drum and bass'), ('drumandbass', 'drum and bass'),
	('synthpop', 'synth pop'), ('electropop', 'electro pop'),
	('numetal', 'nu metal'), ('nujazz', 'nu jazz'), ('nudisco', 'nu disco'),
	('postpunk', 'post punk'), ('postrock', 'post rock'), ('posthardcore', 'post hardcore'),
	('kpop', 'k pop'), ('jpop', 'j pop'), ('cpop', 'c pop'), ('jrock', 'j rock'), ('krock', 'k rock'),
	('rocknroll', 'rock and roll'), ('doowop', 'doo wop'), ('bossanova', 'bossa nova'),
	('neosoul', 'neo soul'), ('singersongwriter', 'singer songwriter'),
	('rhythmandblues', 'rhythm and blues'), ('newwave', 'new wave'), ('ukg', 'uk garage'),
	('hiphouse', 'hip house'), ('acidjazz', 'acid jazz')
) AS t(a, c);

-- Rules.  Priorities: 70 words that decide the group wherever they stand
-- (instrumental, acoustic, dance); 50 genre words and compounds (ties go to
-- the word furthest right, then to the longer pattern); 40 looser words and
-- '*suffix' patterns; 30 modifiers that still beat the weak heads (indie,
-- electro); 10 weak heads that yield to any other genre word (pop, rock,
-- instruments); 5 words that only count when nothing else does.
INSERT INTO listen_wiseer.genre_rules (pattern, family, genre_group, priority, builtin, is_default)
SELECT p, f, g, pr, true, true FROM (VALUES
	-- group words
	('instrumental', NULL, 'instrumental', 70), ('acoustic', NULL, 'acoustic', 70),
	('dance', NULL, 'dance', 70), ('unplugged', NULL, 'acoustic', 70),
	('synth', NULL, 'electronic', 50), ('fusion', NULL, 'instrumental', 10),
	('piano', NULL, 'instrumental', 10), ('guitar', NULL, 'instrumental', 10),
	('violin', NULL, 'instrumental', 10), ('cello', NULL, 'instrumental', 10),
	('harp', NULL, 'instrumental', 10), ('saxophone', NULL, 'instrumental', 10),
	('sax', NULL, 'instrumental', 10), ('trumpet', NULL, 'instrumental', 10),
	('flute', NULL, 'instrumental', 10), ('organ', NULL, 'instrumental', 10),
	('trio', NULL, 'instrumental', 10), ('quartet', NULL, 'instrumental', 10),
	('beats', 'hip hop', 'instrumental', 10), ('chamber', NULL, 'acoustic', 30),

	-- rock
	('rock', 'rock', NULL, 10), ('*rock', 'rock', NULL, 10), ('alternative', 'rock', NULL, 5),
	('rock and roll', 'rock', NULL, 50), ('grunge', 'rock', NULL, 50),
	('psych', 'rock', NULL, 40), ('psychedelic', 'rock', NULL, 40),
	('psychedelia', 'rock', NULL, 40), ('rockabilly', 'rock', NULL, 50),
	('new wave', 'rock', NULL, 50), ('neue deutsche welle', 'rock', NULL, 50),
	('new romantic', 'rock', NULL, 50), ('post rock', 'rock', 'instrumental', 50),
	('power pop', 'rock', NULL, 50), ('visual kei', 'rock', NULL, 50),
	('permanent wave', 'rock', NULL, 50), ('mellow gold', 'rock', NULL, 50),
	('glam', 'rock', NULL, 40), ('british invasion', 'rock', NULL, 50),
	('merseybeat', 'rock', NULL, 50), ('beat', 'rock', NULL, 5),
	('goth', 'rock', NULL, 40), ('gothic', 'rock', NULL, 40), ('jam band', 'rock', NULL, 50),

	-- indie
	('indie', 'indie', NULL, 30), ('indietronica', 'indie', 'electronic', 50),
	('shoegaze', 'indie', NULL, 50), ('*gaze', 'indie', NULL, 40), ('slowcore', 'indie', NULL, 50),
	('sadcore', 'indie', NULL, 50), ('britpop', 'indie', NULL, 50), ('twee', 'indie', NULL, 30),
	('jangle', 'indie', NULL, 30), ('bedroom', 'indie', NULL, 30), ('dream', 'indie', NULL, 30),
	('alternative dance', 'indie', 'dance', 50), ('madchester', 'indie', 'dance', 50),

	-- pop
	('pop', 'pop', NULL, 10), ('*pop', 'pop', NULL, 10), ('electro pop', 'pop', 'electronic', 50),
	('synth pop', 'pop', 'electronic', 50), ('schlager', 'pop', NULL, 50),
	('variete', 'pop', 'acoustic', 50), ('enka', 'pop', 'acoustic', 50), ('kayokyoku', 'pop', NULL, 50),
	('anime', 'pop', NULL, 40), ('vocaloid', 'pop', 'electronic', 50), ('idol', 'pop', 'dance', 40),
	('opm', 'pop', NULL, 50), ('bollywood', 'pop', NULL, 50), ('filmi', 'pop', NULL, 50),
	('metropopolis', 'pop', NULL, 50), ('neo mellow', 'pop', 'acoustic', 50),
	('alt z', 'pop', NULL, 50), ('boy band', 'pop', NULL, 50), ('girl group', 'pop', NULL, 50),
	('worship', 'pop', 'acoustic', 40), ('ccm', 'pop', 'acoustic', 50),
	('show tunes', 'pop', 'acoustic', 50), ('broadway', 'pop', 'acoustic', 50),
	('cabaret', 'pop', 'acoustic', 50), ('adult standards', 'jazz', 'acoustic', 50),
	('easy listening', 'pop', 'instrumental', 50), ('afrobeats', 'pop', 'dance', 50),
	('europop', 'pop', 'dance', 50), ('eurovision', 'pop', 'dance', 50),
	('a cappella', 'pop', 'acoustic', 50),

	-- hip hop
	('hip hop', 'hip hop', NULL, 50), ('rap', 'hip hop', NULL, 50), ('*rap', 'hip hop', NULL, 50),
	('*hop', 'hip hop', NULL, 50), ('trap', 'hip hop', NULL, 50), ('drill', 'hip hop', NULL, 50),
	('grime', 'hip hop', NULL, 50), ('crunk', 'hip hop', NULL, 50), ('hyphy', 'hip hop', NULL, 50),
	('phonk', 'hip hop', NULL, 50), ('boom bap', 'hip hop', NULL, 50), ('g funk', 'hip hop', NULL, 50),
	('horrorcore', 'hip hop', NULL, 50), ('turntablism', 'hip hop', 'instrumental', 50),
	('chillhop', 'hip hop', 'instrumental', 50), ('jazzhop', 'hip hop', 'instrumental', 50),
	('lo fi', 'hip hop', 'instrumental', 30), ('lo fi beats', 'hip hop', 'instrumental', 50),
	('escape room', 'hip hop', NULL, 50), ('miami bass', 'hip hop', NULL, 50),

	-- r&b and soul
	('r and b', 'r&b', NULL, 50), ('rhythm and blues', 'r&b', NULL, 50), ('soul', 'r&b', NULL, 50),
	('*soul', 'r&b', NULL, 50), ('gospel', 'r&b', NULL, 50), ('motown', 'r&b', NULL, 50),
	('doo wop', 'r&b', NULL, 50), ('quiet storm', 'r&b', NULL, 50),
	('new jack swing', 'r&b', 'dance', 50), ('urban contemporary', 'r&b', NULL, 50),

	-- funk and disco
	('funk', 'funk', NULL, 50), ('*funk', 'funk', NULL, 40), ('disco', 'funk', NULL, 50),
	('*disco', 'funk', NULL, 50), ('boogie', 'funk', NULL, 50), ('afrobeat', 'funk', NULL, 50),
	('go go', 'funk', NULL, 50),

	-- blues
	('blues', 'blues', NULL, 50), ('*blues', 'blues', NULL, 50),
	('boogie woogie', 'blues', NULL, 50),

	-- jazz
	('jazz', 'jazz', NULL, 50), ('*jazz', 'jazz', NULL, 50), ('bop', 'jazz', NULL, 50),
	('*bop', 'jazz', NULL, 50), ('swing', 'jazz', NULL, 50), ('big band', 'jazz', NULL, 50),
	('dixieland', 'jazz', NULL, 50), ('ragtime', 'jazz', NULL, 50), ('lounge', 'jazz', NULL, 50),
	('exotica', 'jazz', NULL, 50), ('vocal jazz', 'jazz', 'acoustic', 50),
	('jazz vocal', 'jazz', 'acoustic', 50), ('torch song', 'jazz', 'acoustic', 50),
	('brass band', 'jazz', NULL, 50),

	-- folk and traditional music
	('folk', 'folk', NULL, 50), ('*folk', 'folk', NULL, 50), ('singer songwriter', 'folk', NULL, 50),
	('songwriter', 'folk', NULL, 50), ('cantautor', 'folk', NULL, 50), ('cantautora', 'folk', NULL, 50),
	('cantautorato', 'folk', NULL, 50), ('liedermacher', 'folk', NULL, 50),
	('chanson', 'folk', NULL, 50), ('fado', 'folk', NULL, 50), ('flamenco', 'folk', NULL, 50),
	('celtic', 'folk', NULL, 50), ('americana', 'folk', NULL, 50), ('stomp and holler', 'folk', NULL, 50),
	('volksmusik', 'folk', NULL, 50), ('volkstumliche', 'folk', NULL, 50), ('qawwali', 'folk', NULL, 50),
	('ghazal', 'folk', NULL, 50), ('rebetiko', 'folk', NULL, 50), ('klezmer', 'folk', NULL, 50),
	('polka', 'folk', 'dance', 50), ('world', 'folk', NULL, 10), ('shanty', 'folk', NULL, 50),
	('shanties', 'folk', NULL, 50), ('bhangra', 'folk', 'dance', 50), ('highlife', 'folk', 'dance', 50),
	('zydeco', 'folk', 'dance', 50), ('cajun', 'folk', NULL, 50),

	-- country
	('country', 'country', NULL, 50), ('bluegrass', 'country', NULL, 50), ('*grass', 'country', NULL, 40),
	('honky tonk', 'country', NULL, 50), ('red dirt', 'country', NULL, 50),
	('western swing', 'country', NULL, 50), ('western', 'country', NULL, 40),
	('hillbilly', 'country', NULL, 50), ('nashville', 'country', NULL, 40),

	-- latin american and brazilian
	('latin', 'latin', NULL, 50), ('latino', 'latin', NULL, 30), ('latina', 'latin', NULL, 30),
	('urbano', 'latin', NULL, 50), ('musica', 'latin', NULL, 5),
	('reggaeton', 'latin', NULL, 50), ('dembow', 'latin', NULL, 50), ('salsa', 'latin', NULL, 50),
	('bachata', 'latin', NULL, 50), ('merengue', 'latin', NULL, 50), ('cumbia', 'latin', NULL, 50),
	('tango', 'latin', NULL, 50), ('rumba', 'latin', NULL, 50), ('mambo', 'latin', NULL, 50),
	('cha cha cha', 'latin', NULL, 50), ('son', 'latin', NULL, 40), ('guaracha', 'latin', NULL, 50),
	('timba', 'latin', NULL, 50), ('bolero', 'latin', 'acoustic', 50), ('ranchera', 'latin', 'acoustic', 50),
	('mariachi', 'latin', 'acoustic', 50), ('trova', 'latin', 'acoustic', 50),
	('banda', 'latin', NULL, 50), ('norteno', 'latin', NULL, 50), ('nortena', 'latin', NULL, 50),
	('corrido', 'latin', NULL, 50), ('corridos', 'latin', NULL, 50), ('tejano', 'latin', NULL, 50),
	('grupera', 'latin', NULL, 50), ('duranguense', 'latin', NULL, 50), ('sierreno', 'latin', 'acoustic', 50),
	('cuarteto', 'latin', NULL, 50), ('vallenato', 'latin', NULL, 50), ('champeta', 'latin', NULL, 50),
	('regional mexican', 'latin', NULL, 50), ('zouk', 'latin', NULL, 50), ('kizomba', 'latin', NULL, 50),
	('kompa', 'latin', NULL, 50), ('bossa nova', 'latin', 'acoustic', 50), ('mpb', 'latin', 'acoustic', 50),
	('musica popular brasileira', 'latin', 'acoustic', 50), ('samba', 'latin', NULL, 50),
	('pagode', 'latin', NULL, 50), ('axe', 'latin', NULL, 50), ('forro', 'latin', NULL, 50),
	('sertanejo', 'latin', 'acoustic', 50), ('tropicalia', 'latin', 'acoustic', 50),
	('choro', 'latin', 'instrumental', 50), ('frevo', 'latin', NULL, 50), ('brega', 'latin', NULL, 50),
	('arrocha', 'latin', NULL, 50), ('piseiro', 'latin', NULL, 50), ('carioca', 'latin', NULL, 50),
	('funk carioca', 'latin', NULL, 50), ('baile funk', 'latin', NULL, 50),
	('brazilian funk', 'latin', NULL, 50), ('cancion', 'latin', 'acoustic', 40),

	-- reggae and caribbean
	('reggae', 'reggae', NULL, 50), ('dub', 'reggae', 'electronic', 50), ('dancehall', 'reggae', 'dance', 50),
	('ragga', 'reggae', 'dance', 50), ('ska', 'reggae', 'dance', 50), ('rocksteady', 'reggae', NULL, 50),
	('lovers rock', 'reggae', NULL, 50), ('soca', 'reggae', 'dance', 50), ('calypso', 'reggae', 'dance', 50),

	-- electronic (not house, techno or ambient)
	('electronic', 'electronic', NULL, 50), ('electronica', 'electronic', NULL, 50),
	('*tronica', 'electronic', NULL, 40), ('electro', 'electronic', NULL, 30),
	('electroclash', 'electronic', 'dance', 50), ('edm', 'electronic', 'dance', 50),
	('idm', 'electronic', NULL, 50), ('glitch', 'electronic', NULL, 50), ('downtempo', 'electronic', NULL, 50),
	('chillout', 'electronic', NULL, 50), ('trip hop', 'electronic', NULL, 50),
	('big beat', 'electronic', 'dance', 50), ('breakbeat', 'electronic', 'dance', 50),
	('breaks', 'electronic', 'dance', 50), ('drum and bass', 'electronic', 'dance', 50),
	('jungle', 'electronic', 'dance', 50), ('liquid funk', 'electronic', 'dance', 50),
	('neurofunk', 'electronic', 'dance', 50), ('dubstep', 'electronic', 'dance', 50),
	('*step', 'electronic', 'dance', 40), ('riddim', 'electronic', 'dance', 50),
	('bass', 'electronic', 'dance', 40), ('uk garage', 'electronic', 'dance', 50),
	('future garage', 'electronic', NULL, 50), ('speed garage', 'electronic', 'dance', 50),
	('2 step', 'electronic', 'dance', 50), ('trance', 'electronic', 'dance', 50),
	('*trance', 'electronic', 'dance', 50), ('hardstyle', 'electronic', 'dance', 50),
	('jumpstyle', 'electronic', 'dance', 50), ('eurodance', 'electronic', 'dance', 50),
	('italo dance', 'electronic', 'dance', 50), ('big room', 'electronic', 'dance', 50),
	('complextro', 'electronic', 'dance', 50), ('moombahton', 'electronic', 'dance', 50),
	('footwork', 'electronic', 'dance', 50), ('juke', 'electronic', 'dance', 50),
	('happy hardcore', 'electronic', 'dance', 50), ('uk hardcore', 'electronic', 'dance', 50),
	('breakcore', 'electronic', NULL, 50), ('speedcore', 'electronic', 'dance', 50),
	('nightcore', 'electronic', 'dance', 50), ('glitchcore', 'electronic', NULL, 50),
	('*wave', 'electronic', NULL, 40), ('wave', 'electronic', NULL, 40), ('vapor', 'electronic', NULL, 50),
	('chiptune', 'electronic', NULL, 50), ('8 bit', 'electronic', NULL, 50),
	('industrial', 'electronic', NULL, 40), ('ebm', 'electronic', 'dance', 50),
	('electro swing', 'electronic', 'dance', 50), ('witch house', 'electronic', NULL, 50),
	('hi nrg', 'electronic', 'dance', 50), ('rave', 'electronic', 'dance', 50),
	('club', 'electronic', 'dance', 40),

	-- house
	('house', 'house', NULL, 50), ('*house', 'house', NULL, 50), ('garage house', 'house', NULL, 50),
	('amapiano', 'house', NULL, 50), ('gqom', 'house', NULL, 50), ('kwaito', 'house', NULL, 50),

	-- techno and hard dance
	('techno', 'techno', NULL, 50), ('*techno', 'techno', NULL, 50), ('gabber', 'techno', NULL, 50),
	('hard dance', 'techno', NULL, 50), ('schranz', 'techno', NULL, 50),

	-- ambient
	('ambient', 'ambient', NULL, 50), ('drone', 'ambient', NULL, 50), ('new age', 'ambient', NULL, 50),
	('meditation', 'ambient', NULL, 50), ('sleep', 'ambient', NULL, 50), ('healing', 'ambient', NULL, 40),
	('white noise', 'ambient', NULL, 50),
	('space music', 'ambient', NULL, 50),

	-- classical, soundtrack, opera
	('classical', 'classical', NULL, 50), ('*classical', 'classical', NULL, 50),
	('baroque', 'classical', NULL, 50), ('baroque pop', 'pop', 'acoustic', 50),
	('early music', 'classical', NULL, 50), ('renaissance', 'classical', NULL, 50),
	('medieval', 'classical', NULL, 40), ('orchestra', 'classical', NULL, 50),
	('orchestral', 'classical', NULL, 50), ('symphony', 'classical', NULL, 50),
	('chamber music', 'classical', NULL, 50), ('string quartet', 'classical', NULL, 50),
	('minimalism', 'classical', NULL, 50), ('opera', 'classical', 'acoustic', 50),
	('operetta', 'classical', 'acoustic', 50), ('choral', 'classical', 'acoustic', 50),
	('choir', 'classical', 'acoustic', 50), ('lieder', 'classical', 'acoustic', 50),
	('soundtrack', 'classical', NULL, 50), ('score', 'classical', NULL, 50),
	('video game music', 'classical', NULL, 50), ('carnatic', 'classical', NULL, 50),
	('hindustani', 'classical', NULL, 50), ('gamelan', 'classical', NULL, 50),
	('romantic era', 'classical', NULL, 50), ('impressionism', 'classical', NULL, 50),

	-- metal
	('metal', 'metal', NULL, 50), ('*metal', 'metal', NULL, 50), ('*core', 'metal', NULL, 40),
	('djent', 'metal', NULL, 50), ('thrash', 'metal', NULL, 50), ('doom', 'metal', NULL, 50),
	('sludge', 'metal', NULL, 50), ('nwobhm', 'metal', NULL, 50), ('blackgaze', 'metal', NULL, 50),

	-- punk
	('punk', 'punk', NULL, 50), ('*punk', 'punk', NULL, 50), ('hardcore', 'punk', NULL, 50),
	('emo', 'punk', NULL, 50), ('screamo', 'punk', NULL, 50), ('emocore', 'punk', NULL, 50),
	('oi', 'punk', NULL, 50), ('crust', 'punk', NULL, 50), ('riot grrrl', 'punk', NULL, 50),
	('psychobilly', 'punk', NULL, 50)
) AS t(p, f, g, pr);

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
CREATE TRIGGER genre_families_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_families
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_aliases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_aliases
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_rules
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_overrides_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_overrides
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();

-- pg_dump keeps what the user changed or added; default rows come back with
-- CREATE EXTENSION, and the dumped rows replace them (guard triggers).
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_families', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_aliases', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_rules', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_overrides', '');

-- ---------------------------------------------------------------------------
-- Views a BI tool can chart.
-- ---------------------------------------------------------------------------

-- An artist's family and group: vote over its genres, one vote each.  The
-- library's artists only: an artist credited on catalog tracks alone is left out.
CREATE VIEW listen_wiseer.artist_genre AS
	SELECT a.artist_id, v.family, v.genre_group, v.top_genre
	FROM listen_wiseer.artists a
	LEFT JOIN LATERAL @extschema@.genre_vote(a.genres) v ON true
	WHERE EXISTS (SELECT FROM listen_wiseer.track_artists ta
	              JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	              WHERE ta.artist_id = a.artist_id AND t.in_library)
	   OR NOT EXISTS (SELECT FROM listen_wiseer.track_artists ta
	                  JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	                  WHERE ta.artist_id = a.artist_id AND NOT t.in_library);

-- A track's family and group: vote over the genres of its credited artists,
-- the artist at position p weighing 1 / (p + 1).  Every library track has a
-- row (catalog-only tracks have none); NULLs when no artist genre maps.
CREATE VIEW listen_wiseer.track_genre AS
	SELECT t.track_id, (v.r).family AS family, (v.r).genre_group AS genre_group,
	       (v.r).top_genre AS top_genre
	FROM listen_wiseer.tracks t
	LEFT JOIN (SELECT ta.track_id, @extschema@.genre_vote_agg(a.genres, ta.position::integer) AS r
	           FROM listen_wiseer.track_artists ta
	           JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id
	           GROUP BY ta.track_id) v ON v.track_id = t.track_id
	WHERE t.in_library;

-- Share of each group among a playlist's current members (each occurrence
-- counts; genre_group 'unknown' = tracks whose genres are unknown or map to
-- no group: a label a chart can show, where NULL would be a blank slice).
CREATE VIEW listen_wiseer.playlist_genre_mix AS
	SELECT pt.playlist_id, COALESCE(tg.genre_group, 'unknown') AS genre_group, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.genre_group, 'unknown');

-- The same by family ('unknown' likewise).
CREATE VIEW listen_wiseer.playlist_family_mix AS
	SELECT pt.playlist_id, COALESCE(tg.family, 'unknown') AS family, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.family, 'unknown');
