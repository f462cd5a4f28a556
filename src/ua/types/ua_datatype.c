/* DataType -> built-in type (see ua_datatype.h). The generated table
 * describes enumerations, option sets and structures; the simple subtypes
 * of built-ins (Part 3 (1.05) 8.x, e.g. Duration is a Double) are not in
 * it and are listed here. */
#include "ua_datatype.h"

#include "ua_nodeids.h"

static const struct {
    uint32_t id;
    uint8_t builtin;
} simple[] = {
    {UA_NS0_IMAGE, UA_KIND_BYTESTRING},
    {UA_NS0_INTEGERID, UA_KIND_UINT32},
    {UA_NS0_COUNTER, UA_KIND_UINT32},
    {UA_NS0_DURATION, UA_KIND_DOUBLE},
    {UA_NS0_NUMERICRANGE, UA_KIND_STRING},
    {292, UA_KIND_STRING},   /* Time (Part 3 1.00, dropped later) */
    {293, UA_KIND_DATETIME}, /* Date (likewise) */
    {UA_NS0_UTCTIME, UA_KIND_DATETIME},
    {UA_NS0_LOCALEID, UA_KIND_STRING},
    {UA_NS0_APPLICATIONINSTANCECERTIFICATE, UA_KIND_BYTESTRING},
    {UA_NS0_SESSIONAUTHENTICATIONTOKEN, UA_KIND_NODEID},
    {UA_NS0_CONTINUATIONPOINT, UA_KIND_BYTESTRING},
    {UA_NS0_IMAGEBMP, UA_KIND_BYTESTRING},
    {UA_NS0_IMAGEGIF, UA_KIND_BYTESTRING},
    {UA_NS0_IMAGEJPG, UA_KIND_BYTESTRING},
    {UA_NS0_IMAGEPNG, UA_KIND_BYTESTRING},
    {UA_NS0_BITFIELDMASKDATATYPE, UA_KIND_UINT64},
    {UA_NS0_NORMALIZEDSTRING, UA_KIND_STRING},
    {UA_NS0_DECIMALSTRING, UA_KIND_STRING},
    {UA_NS0_DURATIONSTRING, UA_KIND_STRING},
    {UA_NS0_TIMESTRING, UA_KIND_STRING},
    {UA_NS0_DATESTRING, UA_KIND_STRING},
    {UA_NS0_AUDIODATATYPE, UA_KIND_BYTESTRING},
    {UA_NS0_INDEX, UA_KIND_UINT32},
    {UA_NS0_VERSIONTIME, UA_KIND_UINT32},
    {UA_NS0_URISTRING, UA_KIND_STRING},
    {UA_NS0_SEMANTICVERSIONSTRING, UA_KIND_STRING},
    {UA_NS0_ENCODEDTICKET, UA_KIND_STRING},
    {UA_NS0_HANDLE, UA_KIND_UINT32},
    {UA_NS0_TRIMMEDSTRING, UA_KIND_STRING},
};

unsigned ua_datatype_builtin(const ua_NodeId *data_type)
{
    if (data_type->ns != 0 || data_type->id_type != UA_NODEID_NUMERIC)
        return 0;
    uint32_t id = data_type->id.numeric;
    switch (id) {
    case UA_NS0_BASEDATATYPE:
    case UA_NS0_NUMBER:
    case UA_NS0_INTEGER:
    case UA_NS0_UINTEGER:
        return UA_KIND_VARIANT;
    default:
        break;
    }
    if (id >= UA_KIND_BOOLEAN && id <= UA_KIND_DIAGNOSTICINFO)
        return id;
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (simple[i].id == id)
            return simple[i].builtin;
    const ua_type *g = ua_find_type_by_type_id(id);
    if (!g)
        return 0;
    if (g->kind == UA_KIND_ENUM)
        return UA_KIND_INT32;
    return g->kind <= UA_KIND_DIAGNOSTICINFO ? g->kind : UA_KIND_EXTENSIONOBJECT;
}
