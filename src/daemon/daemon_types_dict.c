/* discoverDataTypes for servers that describe structures only in a
 * DataTypeDictionary (Part 5 (1.05) Annex D): three Browse steps and a
 * Read find the dictionaries and the types' names in them, then one Read
 * per dictionary fetches it; ua_typedict.c parses and translates.
 * Asynchronous and bounded; never fails the discovery, only leaves types
 * out (logged). */
#include <stdlib.h>
#include <string.h>

#include "daemon_types_dict.h"
#include "ua_dyntype.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "ua_typedict.h"
#include "util/log.h"

enum { ID_HASCOMPONENT = 47, ID_HASENCODING = 38, ID_HASDESCRIPTION = 39 };

typedef struct ditem {
    dtypes_dict_want w;
    ua_NodeId enc;       /* Default Binary encoding */
    ua_NodeId desc;      /* its DataTypeDescription */
    ua_String desc_name; /* the description's browse name (fallback for its Value) */
    ua_String dict_name; /* the type's name in the dictionary */
    size_t dict;         /* index in dicts, SIZE_MAX = none */
} ditem;

typedef struct ddict {
    ua_NodeId id;
    ua_typedict *td;
} ddict;

typedef struct dfetch {
    ditem *items;
    size_t n;
    size_t *sel; /* the items of the request in flight, in order */
    size_t nsel;
    ddict *dicts;
    size_t ndicts;
    ua_nodemap dict_index; /* dictionary NodeId -> index in dicts */
    ua_nodemap names;      /* name_key(dict, name in it) -> index in items */
    size_t next_dict;      /* the dictionary being read */
    size_t lookup_dict;    /* the dictionary being translated */
    dtypes_dict_done done;
    void *ud;
} dfetch;

static void finish(dfetch *f, ua_client *c)
{
    for (size_t i = 0; i < f->n; i++) {
        ua_clear(&f->items[i].enc, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&f->items[i].desc, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&f->items[i].desc_name, UA_BUILTIN(UA_KIND_STRING));
        ua_clear(&f->items[i].dict_name, UA_BUILTIN(UA_KIND_STRING));
    }
    for (size_t i = 0; i < f->ndicts; i++) {
        ua_clear(&f->dicts[i].id, UA_BUILTIN(UA_KIND_NODEID));
        ua_typedict_delete(f->dicts[i].td);
    }
    ua_nodemap_clear(&f->dict_index);
    ua_nodemap_clear(&f->names);
    dtypes_dict_done done = f->done;
    void *ud = f->ud;
    free(f->dicts);
    free(f->sel);
    free(f->items);
    free(f);
    done(c, ud);
}

static void skip(const ditem *it, const char *why)
{
    char *id = ua_nodeid_to_cstr(it->w.type_id);
    const ua_String *nm = it->w.name;
    log_info("discoverDataTypes: %.*s (%s) left out: %s", nm && nm->data ? (int)nm->length : 0,
             nm && nm->data ? (const char *)nm->data : "", id ? id : "?", why);
    free(id);
}

/* Selects the items for which has() holds; false when there are none. */
static bool select_items(dfetch *f, bool (*has)(const ditem *))
{
    f->nsel = 0;
    for (size_t i = 0; i < f->n; i++)
        if (has(&f->items[i]))
            f->sel[f->nsel++] = i;
    return f->nsel > 0;
}

/* One Browse from a node of each selected item. */
static ua_status browse_from(dfetch *f, ua_client *c, const ua_NodeId *(*from)(const ditem *),
                             uint32_t ref, ua_BrowseDirection dir, uint32_t class_mask,
                             ua_service_cb cb)
{
    ua_BrowseRequest req;
    ua_init(&req, UA_TYPE_BROWSEREQUEST);
    req.nodesToBrowse = ua_array_new(f->nsel, UA_TYPE_BROWSEDESCRIPTION);
    if (!req.nodesToBrowse)
        return UA_STATUS_BADOUTOFMEMORY;
    req.nodesToBrowseSize = f->nsel;
    for (size_t k = 0; k < f->nsel; k++) {
        ua_BrowseDescription *bd = &req.nodesToBrowse[k];
        ua_copy(from(&f->items[f->sel[k]]), &bd->nodeId, UA_BUILTIN(UA_KIND_NODEID));
        bd->browseDirection = dir;
        bd->referenceTypeId = ua_nodeid_numeric(0, ref);
        bd->nodeClassMask = class_mask;
        bd->resultMask = UA_BROWSERESULTMASK_BROWSENAME;
    }
    ua_status st = ua_client_browse(c, &req, cb, f);
    ua_clear(&req, UA_TYPE_BROWSEREQUEST);
    return st;
}

/* The k-th result of a Browse answer, NULL when it is missing or Bad. */
static const ua_BrowseResult *result_at(ua_status st, const ua_BrowseResponse *r, size_t k)
{
    if (st != UA_STATUS_GOOD || !r || UA_STATUS_IS_BAD(r->responseHeader.serviceResult) ||
        k >= r->resultsSize || UA_STATUS_IS_BAD(r->results[k].statusCode))
        return NULL;
    return &r->results[k];
}

static bool local_ref(const ua_ReferenceDescription *ref)
{
    return ref->nodeId.server_index == 0 && !ref->nodeId.namespace_uri.data;
}

/* ---- step 5: parse and translate --------------------------------------------- */

/* (dictionary, name) as a map key: a string NodeId in "namespace" dict. */
static ua_NodeId name_key(size_t dict, ua_String name)
{
    ua_NodeId k;
    memset(&k, 0, sizeof(k));
    k.ns = (uint16_t)dict; /* dicts <= items <= UA_DYNTYPE_MAX_TYPES */
    k.id_type = UA_NODEID_STRING;
    k.id.string = name;
    return k;
}

/* tns: names of the dictionary being translated -> their DataType nodes. */
static const ua_NodeId *lookup(void *ctx, const char *name)
{
    dfetch *f = ctx;
    size_t i;
    ua_NodeId k = name_key(f->lookup_dict, ua_string_borrow(name));
    return ua_nodemap_get(&f->names, &k, &i) ? f->items[i].w.type_id : NULL;
}

/* The first type of a name in a dictionary wins. */
static void index_names(dfetch *f)
{
    for (size_t k = 0; k < f->nsel; k++) {
        const ditem *it = &f->items[f->sel[k]];
        size_t i;
        ua_NodeId key = name_key(it->dict, it->dict_name);
        if (it->dict_name.data && !ua_nodemap_get(&f->names, &key, &i))
            ua_nodemap_put(&f->names, &key, f->sel[k]); /* out of memory: a lookup fails */
    }
}

static void translate_item(dfetch *f, ditem *it)
{
    const ddict *dd = &f->dicts[it->dict];
    if (!dd->td)
        return; /* the dictionary was logged already */
    char name[UA_DYNTYPE_MAX_NAME + 1];
    size_t len =
        it->dict_name.length < UA_DYNTYPE_MAX_NAME ? it->dict_name.length : UA_DYNTYPE_MAX_NAME;
    if (len)
        memcpy(name, it->dict_name.data, len);
    name[len] = 0;
    ua_StructureDefinition *def = ua_new(UA_TYPE_STRUCTUREDEFINITION);
    char why[256];
    f->lookup_dict = it->dict;
    ua_status st = def ? ua_typedict_definition(dd->td, name, lookup, f, def, why, sizeof(why))
                       : UA_STATUS_BADOUTOFMEMORY;
    if (st == UA_STATUS_GOOD &&
        ua_copy(&it->enc, &def->defaultEncodingId, UA_BUILTIN(UA_KIND_NODEID)) == UA_STATUS_GOOD &&
        ua_copy(&it->enc, it->w.encoding, UA_BUILTIN(UA_KIND_NODEID)) == UA_STATUS_GOOD) {
        *it->w.def = def;
        return;
    }
    if (def)
        ua_delete(def, UA_TYPE_STRUCTUREDEFINITION);
    skip(it, st == UA_STATUS_BADOUTOFMEMORY ? "out of memory" : why);
}

static void parse_dict(ddict *dd, const ua_Variant *v, ua_status st)
{
    char err[256] = "";
    if (UA_STATUS_IS_BAD(st) || !v->type || v->is_array || !v->data ||
        v->type->kind != UA_KIND_BYTESTRING) {
        snprintf(err, sizeof(err), "its Value is not a ByteString (%s)", ua_status_name(st));
        st = UA_STATUS_BADTYPEMISMATCH;
    } else {
        const ua_ByteString *b = v->data;
        st = ua_typedict_parse(b->data, b->length, &dd->td, err, sizeof(err));
    }
    if (st != UA_STATUS_GOOD) {
        char *id = ua_nodeid_to_cstr(&dd->id);
        log_warning("discoverDataTypes: DataTypeDictionary %s unusable (%s): %s", id ? id : "?",
                    ua_status_name(st), err);
        free(id);
    }
}

/* ---- step 4b: each dictionary in a Read of its own (each may be large) ------ */

static void read_dict(dfetch *f, ua_client *c);

static void on_dict(ua_client *c, ua_status st, void *resp, void *ud)
{
    dfetch *f = ud;
    ua_ReadResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    ua_Variant none = {0};
    const ua_DataValue *dv = st == UA_STATUS_GOOD && r && r->resultsSize ? &r->results[0] : NULL;
    parse_dict(&f->dicts[f->next_dict], dv ? &dv->value : &none,
               dv ? dv->status : (st != UA_STATUS_GOOD ? st : UA_STATUS_BADNODATA));
    f->next_dict++;
    read_dict(f, c);
}

/* Reads dictionary f->next_dict; after the last one, translates. */
static void read_dict(dfetch *f, ua_client *c)
{
    if (f->next_dict == f->ndicts) {
        index_names(f);
        for (size_t k = 0; k < f->nsel; k++)
            translate_item(f, &f->items[f->sel[k]]);
        finish(f, c);
        return;
    }
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = ua_array_new(1, UA_TYPE_READVALUEID);
    ua_status st = req.nodesToRead ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY;
    if (st == UA_STATUS_GOOD) {
        req.nodesToReadSize = 1;
        req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
        req.nodesToRead[0].attributeId = UA_ATTRIBUTEID_VALUE;
        st = ua_copy(&f->dicts[f->next_dict].id, &req.nodesToRead[0].nodeId,
                     UA_BUILTIN(UA_KIND_NODEID));
    }
    if (st == UA_STATUS_GOOD)
        st = ua_client_read(c, &req, on_dict, f);
    ua_clear(&req, UA_TYPE_READREQUEST);
    if (st != UA_STATUS_GOOD) {
        log_warning("discoverDataTypes: reading a DataTypeDictionary failed: %s",
                    ua_status_name(st));
        finish(f, c);
    }
}

/* ---- step 4: the types' names in their dictionaries ------------------------- */

static void on_names(ua_client *c, ua_status st, void *resp, void *ud)
{
    dfetch *f = ud;
    ua_ReadResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    size_t got = st == UA_STATUS_GOOD && r ? r->resultsSize : 0;
    for (size_t k = 0; k < f->nsel; k++) {
        ditem *it = &f->items[f->sel[k]];
        const ua_DataValue *dv = k < got ? &r->results[k] : NULL;
        const ua_Variant *v = dv ? &dv->value : NULL;
        /* Part 5 (1.05) D.5.3: the Value is the name in the dictionary. */
        const ua_String *s = v && !UA_STATUS_IS_BAD(dv->status) && v->type && !v->is_array &&
                                     v->data && v->type->kind == UA_KIND_STRING
                                 ? v->data
                                 : &it->desc_name;
        ua_copy(s, &it->dict_name, UA_BUILTIN(UA_KIND_STRING));
    }
    read_dict(f, c);
}

static bool has_dict(const ditem *it)
{
    return it->dict != SIZE_MAX;
}

static void read_names(dfetch *f, ua_client *c)
{
    if (!select_items(f, has_dict)) {
        finish(f, c);
        return;
    }
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = ua_array_new(f->nsel, UA_TYPE_READVALUEID);
    ua_status st = req.nodesToRead ? UA_STATUS_GOOD : UA_STATUS_BADOUTOFMEMORY;
    if (st == UA_STATUS_GOOD) {
        req.nodesToReadSize = f->nsel;
        req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
        for (size_t k = 0; k < f->nsel; k++) {
            ua_copy(&f->items[f->sel[k]].desc, &req.nodesToRead[k].nodeId,
                    UA_BUILTIN(UA_KIND_NODEID));
            req.nodesToRead[k].attributeId = UA_ATTRIBUTEID_VALUE;
        }
        st = ua_client_read(c, &req, on_names, f);
    }
    ua_clear(&req, UA_TYPE_READREQUEST);
    if (st != UA_STATUS_GOOD) {
        log_warning("discoverDataTypes: reading DataTypeDescriptions failed: %s",
                    ua_status_name(st));
        finish(f, c);
    }
}

/* ---- step 3: the dictionary of each description ----------------------------- */

static int add_dict(dfetch *f, const ua_NodeId *id, size_t *out)
{
    if (ua_nodemap_get(&f->dict_index, id, out))
        return 0;
    ddict *p = realloc(f->dicts, (f->ndicts + 1) * sizeof(*p));
    if (!p)
        return -1;
    f->dicts = p;
    memset(&p[f->ndicts], 0, sizeof(*p));
    if (ua_copy(id, &p[f->ndicts].id, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD ||
        ua_nodemap_put(&f->dict_index, id, f->ndicts) != UA_STATUS_GOOD) {
        ua_clear(&p[f->ndicts].id, UA_BUILTIN(UA_KIND_NODEID));
        return -1;
    }
    *out = f->ndicts++;
    return 0;
}

static void on_parents(ua_client *c, ua_status st, void *resp, void *ud)
{
    dfetch *f = ud;
    for (size_t k = 0; k < f->nsel; k++) {
        ditem *it = &f->items[f->sel[k]];
        const ua_BrowseResult *br = result_at(st, resp, k);
        for (size_t j = 0; br && j < br->referencesSize && it->dict == SIZE_MAX; j++) {
            const ua_ReferenceDescription *ref = &br->references[j];
            if (local_ref(ref) && add_dict(f, &ref->nodeId.node_id, &it->dict) != 0)
                it->dict = SIZE_MAX;
        }
        if (it->dict == SIZE_MAX)
            skip(it, "its DataTypeDescription is in no DataTypeDictionary");
    }
    read_names(f, c);
}

static bool has_desc(const ditem *it)
{
    return !ua_nodeid_is_null(&it->desc);
}

static const ua_NodeId *desc_of(const ditem *it)
{
    return &it->desc;
}

/* ---- step 2: the description of each encoding ------------------------------- */

static void on_descriptions(ua_client *c, ua_status st, void *resp, void *ud)
{
    dfetch *f = ud;
    for (size_t k = 0; k < f->nsel; k++) {
        ditem *it = &f->items[f->sel[k]];
        const ua_BrowseResult *br = result_at(st, resp, k);
        for (size_t j = 0; br && j < br->referencesSize && !has_desc(it); j++) {
            const ua_ReferenceDescription *ref = &br->references[j];
            if (local_ref(ref) &&
                (ua_copy(&ref->nodeId.node_id, &it->desc, UA_BUILTIN(UA_KIND_NODEID)) ||
                 ua_copy(&ref->browseName.name, &it->desc_name, UA_BUILTIN(UA_KIND_STRING))))
                ua_clear(&it->desc, UA_BUILTIN(UA_KIND_NODEID));
        }
        if (!has_desc(it))
            skip(it, "no DataTypeDefinition and no DataTypeDescription");
    }
    if (!select_items(f, has_desc) ||
        browse_from(f, c, desc_of, ID_HASCOMPONENT, UA_BROWSEDIRECTION_INVERSE,
                    UA_NODECLASS_VARIABLE, on_parents) != UA_STATUS_GOOD)
        finish(f, c);
}

static bool has_enc(const ditem *it)
{
    return !ua_nodeid_is_null(&it->enc);
}

static const ua_NodeId *enc_of(const ditem *it)
{
    return &it->enc;
}

/* ---- step 1: the Default Binary encodings ------------------------------------ */

static void on_encodings(ua_client *c, ua_status st, void *resp, void *ud)
{
    dfetch *f = ud;
    for (size_t k = 0; k < f->nsel; k++) {
        ditem *it = &f->items[f->sel[k]];
        const ua_BrowseResult *br = result_at(st, resp, k);
        for (size_t j = 0; br && j < br->referencesSize && !has_enc(it); j++) {
            const ua_ReferenceDescription *ref = &br->references[j];
            if (local_ref(ref) && ref->browseName.ns == 0 &&
                ua_string_equal_cstr(&ref->browseName.name, "Default Binary"))
                ua_copy(&ref->nodeId.node_id, &it->enc, UA_BUILTIN(UA_KIND_NODEID));
        }
        /* Abstract structures have no encoding: nothing to say about them. */
    }
    if (!select_items(f, has_enc) ||
        browse_from(f, c, enc_of, ID_HASDESCRIPTION, UA_BROWSEDIRECTION_FORWARD, 0,
                    on_descriptions) != UA_STATUS_GOOD)
        finish(f, c);
}

static bool any(const ditem *it)
{
    (void)it;
    return true;
}

static const ua_NodeId *type_of(const ditem *it)
{
    return it->w.type_id;
}

void dtypes_dict_start(ua_client *c, const dtypes_dict_want *w, size_t n, dtypes_dict_done done,
                       void *ud)
{
    dfetch *f = calloc(1, sizeof(*f));
    if (f) {
        f->items = calloc(n ? n : 1, sizeof(*f->items));
        f->sel = calloc(n ? n : 1, sizeof(*f->sel));
    }
    if (!f || !f->items || !f->sel) {
        if (f) {
            free(f->items);
            free(f->sel);
        }
        free(f);
        done(c, ud);
        return;
    }
    f->n = n;
    f->done = done;
    f->ud = ud;
    for (size_t i = 0; i < n; i++) {
        f->items[i].w = w[i];
        f->items[i].dict = SIZE_MAX;
    }
    if (!select_items(f, any) ||
        browse_from(f, c, type_of, ID_HASENCODING, UA_BROWSEDIRECTION_FORWARD, 0, on_encodings) !=
            UA_STATUS_GOOD)
        finish(f, c);
}
