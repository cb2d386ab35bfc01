/*
 * extension/table_read.h
 *
 * Reading a table of the extension by a direct scan, for the loaders that
 * read whole small tables once per session (recommend()'s pool copy, the
 * genre rules): planning a query per table cost more than the read itself on
 * a session's first call.  The SELECT privilege SQL would check is checked.
 */
#ifndef LW_TABLE_READ_H
#define LW_TABLE_READ_H

#include "postgres.h"
#include "utils/rel.h"

/* the OID of listen_wiseer.name (InvalidOid when missing) */
extern Oid	lw_table_relid(const char *name);
/* open for reading by the current user: a permission error as SQL gives it */
extern Relation lw_table_open_read(Oid relid);
/* a column's position (0-based) in the table's tuples, by name */
extern int	lw_table_column(Relation rel, const char *name);
/* does row-level security apply to the current user on it (then read by SQL) */
extern bool lw_table_rls(Oid relid);

#endif							/* LW_TABLE_READ_H */
