-- The columns of the extension's configuration tables, as table.column, comma-separated
-- (snapshot_rows.sql's keep list for after an upgrade).
SELECT string_agg(c.oid::regclass::text || '.' || a.attname, ',' ORDER BY 1)
  FROM pg_extension e
  JOIN pg_class c ON c.oid = ANY (e.extconfig) AND c.relkind = 'r'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE e.extname = 'listen_wiseer';
