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
