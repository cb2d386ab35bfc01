/*
 * extension/table_read.c
 *
 * Direct reads of the extension's tables (see table_read.h).
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"

#include "table_read.h"

Oid
lw_table_relid(const char *name)
{
	Oid			nsp = get_namespace_oid("listen_wiseer", true);

	return OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;
}

Relation
lw_table_open_read(Oid relid)
{
	AclResult	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);

	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(relid));
	return table_open(relid, AccessShareLock);
}

int
lw_table_column(Relation rel, const char *name)
{
	TupleDesc	td = RelationGetDescr(rel);

	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return i;
	}
	elog(ERROR, "column %s.%s not found", RelationGetRelationName(rel), name);
	return -1;
}

bool
lw_table_rls(Oid relid)
{
	return check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED;
}
