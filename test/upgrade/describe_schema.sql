-- Every object of the extension listen_wiseer, one canonical line each (sorted), so that two
-- databases can be compared with diff: a fresh install of the current version and a database
-- upgraded from an older release must print the same lines.  Run with psql -XAtq.
-- Columns are compared in their logical order (dropped columns do not count), constraints,
-- indexes and triggers by their deparsed definitions, functions by pg_get_functiondef,
-- aggregates, types, operators, casts, operator classes by their catalog rows, and every ACL.
SET search_path = pg_catalog, pg_temp;

CREATE TEMP VIEW ext_members AS
SELECT d.classid, d.objid
  FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
 WHERE e.extname = 'listen_wiseer' AND d.deptype = 'e';

CREATE TEMP VIEW ext_rels AS
SELECT c.oid, c.oid::regclass::text AS name, c.relkind
  FROM pg_class c JOIN ext_members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid;

-- one line per object (a newline inside a definition is written \n), so diff names the object
SELECT replace(replace(line, '\', '\\'), E'\n', '\n') FROM (
	-- the extension itself: version, schema, configuration tables and their dump filters
	SELECT format('extension|%s|schema %s|relocatable %s', e.extversion, e.extnamespace::regnamespace,
	              e.extrelocatable) AS line
	  FROM pg_extension e WHERE e.extname = 'listen_wiseer'
	UNION ALL
	SELECT format('extconfig|%s|%s', c.cfg::regclass, coalesce(c.cond, ''))
	  FROM pg_extension e,
	       LATERAL unnest(e.extconfig, e.extcondition) AS c(cfg, cond)
	 WHERE e.extname = 'listen_wiseer'
	UNION ALL
	-- every member, by kind (objects that are not members of the extension show up as missing)
	SELECT format('member|%s', pg_describe_object(m.classid, m.objid, 0)) FROM ext_members m
	UNION ALL
	-- schemas the extension owns or uses, with their ACLs
	SELECT format('schema|%s|acl %s', n.nspname, n.nspacl)
	  FROM pg_namespace n WHERE n.oid IN (SELECT relnamespace FROM pg_class WHERE oid IN (SELECT oid FROM ext_rels))
	UNION ALL
	-- relations: kind, persistence, options, ACL
	SELECT format('relation|%s|kind %s|persistence %s|options %s|acl %s|comment %s', r.name, r.relkind,
	              c.relpersistence, c.reloptions, c.relacl, obj_description(c.oid, 'pg_class'))
	  FROM ext_rels r JOIN pg_class c ON c.oid = r.oid
	UNION ALL
	-- columns in logical order
	SELECT format('column|%s|%s|%s|%s|notnull %s|default %s|collation %s|identity %s|generated %s|acl %s',
	              r.name, lpad((row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum))::text, 4, '0'), a.attname,
	              format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
	              CASE WHEN a.attcollation <> 0 THEN a.attcollation::regcollation::text END,
	              a.attidentity, a.attgenerated, a.attacl)
	  FROM ext_rels r
	  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	UNION ALL
	SELECT format('constraint|%s|%s|%s|deferrable %s|deferred %s|validated %s', r.name, co.conname,
	              pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred, co.convalidated)
	  FROM ext_rels r JOIN pg_constraint co ON co.conrelid = r.oid
	UNION ALL
	SELECT format('index|%s|%s', r.name, pg_get_indexdef(i.indexrelid))
	  FROM ext_rels r JOIN pg_index i ON i.indrelid = r.oid
	UNION ALL
	SELECT format('trigger|%s|%s|enabled %s', r.name, pg_get_triggerdef(t.oid), t.tgenabled)
	  FROM ext_rels r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
	UNION ALL
	SELECT format('view|%s|%s', r.name, pg_get_viewdef(r.oid, true))
	  FROM ext_rels r WHERE r.relkind IN ('v', 'm')
	UNION ALL
	SELECT format('sequence|%s|%s|start %s|inc %s|min %s|max %s|cache %s|cycle %s', r.name,
	              s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
	  FROM ext_rels r JOIN pg_sequence s ON s.seqrelid = r.oid
	UNION ALL
	-- functions and procedures: the whole definition; aggregates: their catalog row
	SELECT format('function|%s|%s|acl %s|comment %s', p.oid::regprocedure,
	              CASE WHEN p.prokind = 'a' THEN
	                   (SELECT format('aggregate kind %s trans %s(%s) final %s extra %s modify %s combine %s'
	                                  ' serial %s deserial %s moving %s sort %s init %s',
	                                  ag.aggkind, ag.aggtransfn, ag.aggtranstype::regtype, ag.aggfinalfn,
	                                  ag.aggfinalextra, ag.aggfinalmodify, ag.aggcombinefn, ag.aggserialfn,
	                                  ag.aggdeserialfn, ag.aggmtransfn, ag.aggsortop, ag.agginitval)
	                      FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
	                   ELSE pg_get_functiondef(p.oid) END,
	              p.proacl, obj_description(p.oid, 'pg_proc'))
	  FROM pg_proc p JOIN ext_members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
	UNION ALL
	SELECT format('type|%s|type %s|category %s|len %s|byval %s|align %s|storage %s|in %s|out %s|recv %s'
	              '|send %s|typmod_in %s|typmod_out %s|analyze %s|subscript %s|elem %s|default %s|acl %s'
	              '|attributes %s|labels %s|domain %s',
	              t.oid::regtype, t.typtype, t.typcategory, t.typlen, t.typbyval, t.typalign, t.typstorage,
	              t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
	              t.typsubscript, t.typelem::regtype, t.typdefault, t.typacl,
	              (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
	                 FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
	              (SELECT string_agg(l.enumlabel, ', ' ORDER BY l.enumsortorder) FROM pg_enum l WHERE l.enumtypid = t.oid),
	              (SELECT string_agg(pg_get_constraintdef(co.oid), ', ' ORDER BY co.conname)
	                 FROM pg_constraint co WHERE co.contypid = t.oid))
	  FROM pg_type t JOIN ext_members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
	UNION ALL
	SELECT format('operator|%s|kind %s|code %s|commutator %s|negator %s|restrict %s|join %s|merges %s|hashes %s',
	              o.oid::regoperator, o.oprkind, o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator,
	              o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
	  FROM pg_operator o JOIN ext_members m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
	UNION ALL
	SELECT format('cast|%s -> %s|function %s|context %s|method %s', c.castsource::regtype,
	              c.casttarget::regtype, c.castfunc::regprocedure, c.castcontext, c.castmethod)
	  FROM pg_cast c JOIN ext_members m ON m.classid = 'pg_cast'::regclass AND m.objid = c.oid
	UNION ALL
	SELECT format('opclass|%s|%s|type %s|default %s|members %s', oc.opcname, am.amname, oc.opcintype::regtype,
	              oc.opcdefault,
	              (SELECT string_agg(pg_describe_object(d.classid, d.objid, 0), ', ' ORDER BY 1)
	                 FROM pg_depend d WHERE d.refclassid = 'pg_opfamily'::regclass AND d.refobjid = oc.opcfamily))
	  FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
	  JOIN ext_members m ON m.classid = 'pg_opclass'::regclass AND m.objid = oc.oid
	UNION ALL
	-- default privileges and event triggers the extension might have set
	SELECT format('event_trigger|%s|%s|%s|%s', ev.evtname, ev.evtevent, ev.evtfoid::regproc, ev.evttags)
	  FROM pg_event_trigger ev JOIN ext_members m ON m.classid = 'pg_event_trigger'::regclass AND m.objid = ev.oid
) x
ORDER BY line COLLATE "C";
