/* The version of the documented output formats (schemas/ in the source
 * tree: a JSON Schema per JSON report, columns.csv for every CSV), written
 * as "schema_version" first in every JSON the tools write. It goes up when
 * a field is removed, renamed or changes type, unit or what it is relative
 * to; a new field does not change it (the schemas allow none they do not
 * name, so the schema that adds it is updated in the same commit). */
#ifndef TOOL_SCHEMA_VERSION_H
#define TOOL_SCHEMA_VERSION_H

#define TOOL_SCHEMA_VERSION 1

#endif
