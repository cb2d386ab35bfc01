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
