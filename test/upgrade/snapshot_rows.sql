-- Writes (\gexec) one line per row of every table of the extension listen_wiseer, as
-- "table|row", sorted.  Psql variable cols: 'all' = every column; 'config' = only configuration
-- tables (the user's data).  Psql variable keep: '' = all columns, else a comma-separated
-- list of table.column to keep (the columns the tables had before an upgrade).  Derived tables (not in extconfig) skip
-- their timestamptz columns: when they were computed is not part of what they hold.
SET search_path = pg_catalog, pg_temp;
SELECT format('SELECT r FROM (SELECT %L || ''|'' || ROW(%s)::text AS r FROM %s t) x ORDER BY r COLLATE "C"',
              c.oid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), c.oid::regclass)
  FROM pg_extension e
  JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e'
  JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'r'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE e.extname = 'listen_wiseer'
   AND (c.oid = ANY (e.extconfig) OR a.atttypid <> 'timestamptz'::regtype)
   AND (:'cols' = 'all' OR c.oid = ANY (e.extconfig))
   AND (:'keep' = '' OR c.oid::regclass::text || '.' || a.attname = ANY (string_to_array(:'keep', ',')))
 GROUP BY c.oid
 ORDER BY c.oid::regclass::text COLLATE "C"
\gexec
