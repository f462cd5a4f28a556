/* Which built-in type carries the values of a DataType (Part 3 (1.05)
 * 8.x / Part 6 (1.05) 5.1.2): the built-ins themselves, the simple
 * namespace-0 subtypes (Duration, UtcTime, LocaleId, Index, ...),
 * enumerations (Int32), option sets and structures of the generated table.
 * Knows nothing of server-defined types: the caller asks the server or the
 * value for those. Pure function; no I/O. */
#ifndef UA_DATATYPE_H
#define UA_DATATYPE_H

#include "ua_types.h"

/** Returns the built-in type id (1..25) of values of DataType data_type:
 *  UA_KIND_VARIANT (24) for the abstract BaseDataType, Number, Integer and
 *  UInteger (any built-in may appear, the value decides), 0 when the type
 *  is not known here (outside namespace 0, or an unknown id). Structure
 *  and its known subtypes are UA_KIND_EXTENSIONOBJECT, enumerations
 *  UA_KIND_INT32. */
unsigned ua_datatype_builtin(const ua_NodeId *data_type);

#endif
