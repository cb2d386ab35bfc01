-- Writes (\gexec) one line per row of every table of the extension listen_wiseer, as
-- "table|row", sorted.  Psql variable cols: 'all' = every column; 'config' = only configuration
-- tables (the user's data, as pg_dump keeps it: each table's config-dump filter applied).  Psql variable keep: '' = all columns, else a comma-separated
-- list of table.column to keep (the columns the tables had before an upgrade).  Derived tables (not in extconfig) skip
-- their timestamptz columns: when they were computed is not part of what they hold.
SET search_path = pg_catalog, pg_temp;
SELECT format('SELECT r FROM (SELECT %L || ''|'' || ROW(%s)::text AS r FROM %s t %s) x ORDER BY r COLLATE "C"',
              c.oid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), c.oid::regclass,
              -- 'config': the rows pg_dump keeps as the user's (the table's pg_extension_config_dump
              -- filter: e.g. shipped genre defaults are the extension's, an update may change them)
              CASE WHEN :'cols' = 'config'
                   THEN coalesce(e.extcondition[array_position(e.extconfig, c.oid)], '') ELSE '' END)
  FROM pg_extension e
  JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e'
  JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'r'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE e.extname = 'listen_wiseer'
   -- (its one number comes from a sequence: it tells this database's pool states apart, no two
   -- databases' numbers mean the same)
   AND c.relname <> 'recommend_pool_generation'
   AND (c.oid = ANY (e.extconfig) OR a.atttypid <> 'timestamptz'::regtype)
   AND (:'cols' = 'all' OR c.oid = ANY (e.extconfig))
   AND (:'keep' = '' OR c.oid::regclass::text || '.' || a.attname = ANY (string_to_array(:'keep', ',')))
 GROUP BY c.oid, e.extconfig, e.extcondition
 ORDER BY c.oid::regclass::text COLLATE "C"
\gexec
