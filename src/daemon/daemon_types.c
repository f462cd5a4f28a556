/* discoverDataTypes: walk the DataType tree (HasSubtype from BaseDataType),
 * read the DataTypeDefinition attribute (Part 3 (1.05) 5.8.2) of every
 * structure outside namespace 0, fall back to the DataTypeDictionary
 * (daemon_types_dict.c) for those without one (1.03 servers), find missing
 * encoding ids through HasEncoding "Default Binary", and build the
 * session's types (ua_dyntype.c). Every step is asynchronous and bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "daemon_types.h"
#include "daemon_types_dict.h"
#include "ipc_errors.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"

#define MAX_NODES       20000 /* DataType nodes walked */
#define MAX_LEVELS      32    /* depth of the subtype tree */
#define MAX_HOPS        64    /* supertype chain followed to classify a type */
#define MAX_NEXT_ROUNDS 200   /* BrowseNext requests of one discovery */

enum {
    ID_STRUCTURE = 22,
    ID_BASEDATATYPE = 24,
    ID_NUMBER = 26,
    ID_INTEGER = 27,
    ID_UINTEGER = 28,
    ID_ENUMERATION = 29,
    ID_HASENCODING = 38,
    ID_HASSUBTYPE = 45,
    ID_UNION = 12756
};

typedef struct dnode {
    ua_NodeId id;
    ua_NodeId parent; /* null for the root */
    ua_String name;
    ua_StructureDefinition *def; /* owned; candidates only */
    ua_NodeId encoding;          /* from HasEncoding when def has none */
} dnode;

typedef struct disc {
    osmd *d;
    ipc_request *req;
    char session_id[33];
    long ns_filter; /* -1 = every namespace */
    bool tagged;
    char *cache_key; /* owned, NULL = no cache */
    dnode *nodes;
    size_t n, cap;
    ua_nodemap seen; /* NodeId -> index in nodes */
    size_t level_start, level_end;
    unsigned level;
    ua_ByteString *cps; /* continuation points to follow, with their nodes */
    size_t *cp_parent;
    size_t ncps;
    size_t *next_parent; /* the nodes of the BrowseNext in flight */
    size_t next_n;
    unsigned next_rounds;
    size_t *cand; /* indices of the structure types outside ns 0 */
    size_t ncand;
    json_t *bases; /* [[NodeId, descriptor id]...] what base() answered */
    ua_nodemap based;
} disc;

static void disc_free(disc *x)
{
    for (size_t i = 0; i < x->n; i++) {
        ua_clear(&x->nodes[i].id, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&x->nodes[i].parent, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&x->nodes[i].name, UA_BUILTIN(UA_KIND_STRING));
        ua_clear(&x->nodes[i].encoding, UA_BUILTIN(UA_KIND_NODEID));
        if (x->nodes[i].def)
            ua_delete(x->nodes[i].def, UA_TYPE_STRUCTUREDEFINITION);
    }
    free(x->nodes);
    free(x->cand);
    ua_array_delete(x->cps, x->ncps, UA_BUILTIN(UA_KIND_BYTESTRING));
    free(x->cp_parent);
    free(x->next_parent);
    ua_nodemap_clear(&x->seen);
    ua_nodemap_clear(&x->based);
    json_decref(x->bases);
    free(x->cache_key);
    free(x);
}

static void fail(disc *x, ua_status st, const char *what)
{
    reply_status(x->req, st, what);
    disc_free(x);
}

static dsession *session_of(disc *x)
{
    return store_find(x->d, x->session_id);
}

static int add_node(disc *x, const ua_NodeId *id, const ua_NodeId *parent, const ua_String *name)
{
    size_t i;
    if (ua_nodemap_get(&x->seen, id, &i) || x->n >= MAX_NODES)
        return 0;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 256;
        dnode *p = realloc(x->nodes, cap * sizeof(*p));
        if (!p)
            return -1;
        x->nodes = p;
        x->cap = cap;
    }
    dnode *nd = &x->nodes[x->n];
    memset(nd, 0, sizeof(*nd));
    if (ua_copy(id, &nd->id, UA_BUILTIN(UA_KIND_NODEID)) ||
        (parent && ua_copy(parent, &nd->parent, UA_BUILTIN(UA_KIND_NODEID))) ||
        (name && ua_copy(name, &nd->name, UA_BUILTIN(UA_KIND_STRING))) ||
        ua_nodemap_put(&x->seen, id, x->n)) {
        ua_clear(&nd->id, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&nd->parent, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&nd->name, UA_BUILTIN(UA_KIND_STRING));
        return -1;
    }
    x->n++;
    return 0;
}

static bool is_ns0(const ua_NodeId *id, uint32_t n)
{
    return id->ns == 0 && id->id_type == UA_NODEID_NUMERIC && id->id.numeric == n;
}

/* ---- classifying field types ------------------------------------------------ */

/* Part 6 (1.05) 5.2.6: fields of abstract types travel as Variant, of the
 * abstract Structure / Union as ExtensionObject, enumerations as Int32. */
static const ua_type *ns0_type(uint32_t n, bool from_subtype)
{
    if (n == ID_STRUCTURE || n == ID_UNION)
        return from_subtype ? NULL : UA_BUILTIN(UA_KIND_EXTENSIONOBJECT);
    if (n >= 1 && n <= 25)
        return ua_builtin_type(n);
    if (n == ID_NUMBER || n == ID_INTEGER || n == ID_UINTEGER)
        return UA_BUILTIN(UA_KIND_VARIANT);
    if (n == ID_ENUMERATION)
        return UA_BUILTIN(UA_KIND_INT32);
    return ua_find_type_by_type_id(n);
}

static const ua_type *classify(disc *x, const ua_NodeId *id)
{
    const ua_NodeId *cur = id;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        if (cur->ns == 0 && cur->id_type == UA_NODEID_NUMERIC) {
            const ua_type *t = ns0_type(cur->id.numeric, hop > 0);
            if (t || is_ns0(cur, ID_STRUCTURE) || is_ns0(cur, ID_UNION))
                return t; /* a concrete structure we have no layout for: NULL */
        }
        size_t i;
        if (!ua_nodemap_get(&x->seen, cur, &i) || ua_nodeid_is_null(&x->nodes[i].parent))
            return NULL;
        cur = &x->nodes[i].parent;
    }
    return NULL;
}

/* Descriptor ids kept in the cache: 1..25 built-ins, else a generated
 * namespace-0 DataType id. */
static const ua_type *descriptor_of(json_int_t v)
{
    if (v >= 1 && v <= 25)
        return ua_builtin_type((unsigned)v);
    return v > 25 && v <= UINT32_MAX ? ua_find_type_by_type_id((uint32_t)v) : NULL;
}

static json_int_t descriptor_id(const ua_type *t)
{
    if (t->kind <= UA_KIND_DIAGNOSTICINFO)
        return t->kind;
    return t->type_id.id.numeric;
}

/* The base function of a live discovery: classify and remember. */
static const ua_type *base_live(void *ctx, const ua_NodeId *id)
{
    disc *x = ctx;
    const ua_type *t = classify(x, id);
    size_t dummy;
    if (t && x->bases && !ua_nodemap_get(&x->based, id, &dummy) &&
        ua_nodemap_put(&x->based, id, 0) == UA_STATUS_GOOD) {
        json_t *pair = json_array();
        json_array_append_new(pair, wire_from_nodeid(id));
        json_array_append_new(pair, json_integer(descriptor_id(t)));
        json_array_append_new(x->bases, pair);
    }
    return t;
}

/* The base function of a cached discovery: x->based maps to descriptor ids. */
static const ua_type *base_cached(void *ctx, const ua_NodeId *id)
{
    disc *x = ctx;
    size_t v;
    return ua_nodemap_get(&x->based, id, &v) ? descriptor_of((json_int_t)v) : NULL;
}

/* ---- building and answering ------------------------------------------------ */

static size_t count_in(const ua_dyntypes *r, long ns)
{
    size_t n = 0;
    for (size_t i = 0; i < ua_dyntypes_count(r); i++)
        n += ns < 0 || ua_dyntypes_at(r, i)->type_id.ns == ns;
    return n;
}

static void install(disc *x, ua_dyntypes *r)
{
    dsession *s = session_of(x);
    if (!s) {
        ua_dyntypes_delete(r);
        reply_named(x->req, IPC_ERR_SESSION_NOT_FOUND, "Session not found");
        disc_free(x);
        return;
    }
    struct dtypes *t = dtypes_of(s);
    if (!t) {
        ua_dyntypes_delete(r);
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    ua_dyntypes_delete(t->reg);
    t->reg = r;
    reply_data(x->req, json_integer((json_int_t)count_in(r, x->ns_filter)), x->tagged);
    disc_free(x);
}

static json_t *cache_entry(disc *x)
{
    json_t *types = json_array();
    for (size_t k = 0; k < x->ncand; k++) {
        dnode *nd = &x->nodes[x->cand[k]];
        if (!nd->def)
            continue;
        json_t *t = json_object();
        json_object_set_new(t, "typeId", wire_from_nodeid(&nd->id));
        json_object_set_new(t, "name", wire_from_string(&nd->name));
        json_object_set_new(t, "encodingId", wire_from_nodeid(&nd->encoding));
        json_object_set_new(t, "definition", wire_from_value(nd->def, UA_TYPE_STRUCTUREDEFINITION));
        json_array_append_new(types, t);
    }
    json_t *o = json_object();
    json_object_set_new(o, "types", types);
    json_object_set(o, "bases", x->bases);
    return o;
}

static void build(disc *x)
{
    ua_dyntype_input *in = calloc(x->ncand ? x->ncand : 1, sizeof(*in));
    if (!in) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    size_t n = 0;
    for (size_t k = 0; k < x->ncand; k++) {
        dnode *nd = &x->nodes[x->cand[k]];
        if (!nd->def)
            continue;
        in[n].type_id = nd->id;
        in[n].name = nd->name;
        in[n].def = nd->def;
        in[n].encoding_id = nd->encoding;
        n++;
    }
    x->bases = json_array();
    ua_dyntypes *r = ua_dyntypes_build(in, n, base_live, x);
    free(in);
    if (!r) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    if (x->cache_key) {
        json_t *entry = cache_entry(x);
        dcache_put(x->d->cache, x->cache_key, entry);
        json_decref(entry);
    }
    install(x, r);
}

/* ---- step 3: encodings from HasEncoding, where the definition has none ---- */

static void on_encodings(ua_client *c, ua_status st, void *resp, void *ud)
{
    disc *x = ud;
    (void)c;
    ua_BrowseResponse *r = resp;
    if (st == UA_STATUS_GOOD && r) {
        size_t k = 0;
        for (size_t i = 0; i < x->ncand; i++) {
            dnode *nd = &x->nodes[x->cand[i]];
            if (!nd->def || !ua_nodeid_is_null(&nd->def->defaultEncodingId))
                continue;
            const ua_BrowseResult *br = k < r->resultsSize ? &r->results[k] : NULL;
            k++;
            for (size_t j = 0; br && j < br->referencesSize; j++) {
                const ua_ReferenceDescription *ref = &br->references[j];
                if (ua_string_equal_cstr(&ref->browseName.name, "Default Binary") &&
                    ua_nodeid_is_null(&nd->encoding))
                    ua_copy(&ref->nodeId.node_id, &nd->encoding, UA_BUILTIN(UA_KIND_NODEID));
            }
        }
    }
    /* Without encoding ids those types still nest in others; go on. */
    build(x);
}

static void find_encodings(disc *x, ua_client *c)
{
    size_t need = 0;
    for (size_t i = 0; i < x->ncand; i++) {
        dnode *nd = &x->nodes[x->cand[i]];
        need += nd->def && ua_nodeid_is_null(&nd->def->defaultEncodingId);
    }
    if (!need) {
        build(x);
        return;
    }
    ua_BrowseRequest req;
    ua_init(&req, UA_TYPE_BROWSEREQUEST);
    req.nodesToBrowse = ua_array_new(need, UA_TYPE_BROWSEDESCRIPTION);
    if (!req.nodesToBrowse) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    req.nodesToBrowseSize = need;
    for (size_t i = 0, k = 0; i < x->ncand; i++) {
        dnode *nd = &x->nodes[x->cand[i]];
        if (!nd->def || !ua_nodeid_is_null(&nd->def->defaultEncodingId))
            continue;
        ua_BrowseDescription *bd = &req.nodesToBrowse[k++];
        ua_copy(&nd->id, &bd->nodeId, UA_BUILTIN(UA_KIND_NODEID));
        bd->browseDirection = UA_BROWSEDIRECTION_FORWARD;
        bd->referenceTypeId = ua_nodeid_numeric(0, ID_HASENCODING);
        bd->resultMask = UA_BROWSERESULTMASK_BROWSENAME;
    }
    ua_status st = ua_client_browse(c, &req, on_encodings, x);
    ua_clear(&req, UA_TYPE_BROWSEREQUEST);
    if (st != UA_STATUS_GOOD)
        fail(x, st, "discoverDataTypes failed");
}

/* ---- step 2b: DataTypeDictionaries for types without a definition ---------- */

static void on_dictionaries(ua_client *c, void *ud)
{
    find_encodings(ud, c);
}

static void find_dictionaries(disc *x, ua_client *c)
{
    dtypes_dict_want *w = calloc(x->ncand ? x->ncand : 1, sizeof(*w));
    if (!w) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    size_t n = 0;
    for (size_t k = 0; k < x->ncand; k++) {
        dnode *nd = &x->nodes[x->cand[k]];
        if (!nd->def)
            w[n++] = (dtypes_dict_want){&nd->id, &nd->name, &nd->def, &nd->encoding};
    }
    if (n)
        dtypes_dict_start(c, w, n, on_dictionaries, x);
    else
        find_encodings(x, c);
    free(w);
}

/* ---- step 2: the definitions ------------------------------------------------- */

static void on_definitions(ua_client *c, ua_status st, void *resp, void *ud)
{
    disc *x = ud;
    ua_ReadResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st != UA_STATUS_GOOD || !r) {
        fail(x, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR,
             "discoverDataTypes failed");
        return;
    }
    for (size_t k = 0; k < x->ncand && k < r->resultsSize; k++) {
        ua_Variant *v = &r->results[k].value;
        if (!v->type || v->is_array || v->type->kind != UA_KIND_EXTENSIONOBJECT || !v->data)
            continue; /* no definition: a 1.03 server (see find_dictionaries) */
        ua_ExtensionObject *eo = v->data;
        if (eo->encoding != UA_EXTOBJ_DECODED || eo->type != UA_TYPE_STRUCTUREDEFINITION)
            continue;
        x->nodes[x->cand[k]].def = eo->data; /* taken */
        eo->data = NULL;
        eo->type = NULL;
        eo->encoding = UA_EXTOBJ_EMPTY;
    }
    find_dictionaries(x, c);
}

/* Walks up from node i: does it descend from Structure? */
static bool is_structure(disc *x, size_t i)
{
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        const ua_NodeId *p = &x->nodes[i].parent;
        if (is_ns0(p, ID_STRUCTURE))
            return true;
        if (ua_nodeid_is_null(p) || !ua_nodemap_get(&x->seen, p, &i))
            return false;
    }
    return false;
}

static void read_definitions(disc *x, ua_client *c)
{
    x->cand = calloc(x->n ? x->n : 1, sizeof(size_t));
    if (!x->cand) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    for (size_t i = 0; i < x->n; i++)
        if (x->nodes[i].id.ns != 0 && is_structure(x, i) && x->ncand < UA_DYNTYPE_MAX_TYPES)
            x->cand[x->ncand++] = i;
    if (!x->ncand) {
        build(x);
        return;
    }
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = ua_array_new(x->ncand, UA_TYPE_READVALUEID);
    if (!req.nodesToRead) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    req.nodesToReadSize = x->ncand;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_NEITHER;
    for (size_t k = 0; k < x->ncand; k++) {
        ua_copy(&x->nodes[x->cand[k]].id, &req.nodesToRead[k].nodeId, UA_BUILTIN(UA_KIND_NODEID));
        req.nodesToRead[k].attributeId = UA_ATTRIBUTEID_DATATYPEDEFINITION;
    }
    ua_status st = ua_client_read(c, &req, on_definitions, x);
    ua_clear(&req, UA_TYPE_READREQUEST);
    if (st != UA_STATUS_GOOD)
        fail(x, st, "discoverDataTypes failed");
}

/* ---- step 1: the subtype tree, one level per Browse ------------------------ */

static void browse_level(disc *x, ua_client *c);

/* Adds the subtypes in br below node parent. */
static int add_refs(disc *x, size_t parent, const ua_BrowseResult *br)
{
    for (size_t j = 0; j < br->referencesSize; j++) {
        const ua_ReferenceDescription *ref = &br->references[j];
        if (ref->nodeId.server_index != 0 || ref->nodeId.namespace_uri.data)
            continue;
        /* nodes may move in add_node: copy the parent id first */
        ua_NodeId pid;
        int rc = ua_copy(&x->nodes[parent].id, &pid, UA_BUILTIN(UA_KIND_NODEID)) ? -1 : 0;
        if (rc == 0)
            rc = add_node(x, &ref->nodeId.node_id, &pid, &ref->browseName.name);
        ua_clear(&pid, UA_BUILTIN(UA_KIND_NODEID));
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Keeps br's continuation point (if any) to follow with BrowseNext. */
static int keep_cp(disc *x, size_t parent, const ua_BrowseResult *br)
{
    if (br->continuationPoint.length == 0)
        return 0;
    ua_ByteString *cps = realloc(x->cps, (x->ncps + 1) * sizeof(*cps));
    if (cps)
        x->cps = cps;
    size_t *parents = cps ? realloc(x->cp_parent, (x->ncps + 1) * sizeof(*parents)) : NULL;
    if (parents)
        x->cp_parent = parents;
    if (!cps || !parents ||
        ua_copy(&br->continuationPoint, &x->cps[x->ncps], UA_BUILTIN(UA_KIND_BYTESTRING)))
        return -1;
    x->cp_parent[x->ncps++] = parent;
    return 0;
}

static void on_next(ua_client *c, ua_status st, void *resp, void *ud);

/* The level's pending continuation points go out in one BrowseNext
 * (release = true once the bounds are reached); without any, the next
 * level starts. */
static void continue_level(disc *x, ua_client *c)
{
    bool release = x->n >= MAX_NODES || x->next_rounds >= MAX_NEXT_ROUNDS;
    if (x->ncps) {
        ua_BrowseNextRequest next;
        ua_init(&next, UA_TYPE_BROWSENEXTREQUEST);
        next.releaseContinuationPoints = release;
        next.continuationPoints = x->cps;
        next.continuationPointsSize = x->ncps;
        free(x->next_parent);
        x->next_parent = x->cp_parent;
        x->next_n = x->ncps;
        x->cps = NULL;
        x->cp_parent = NULL;
        x->ncps = 0;
        x->next_rounds++;
        ua_status st =
            ua_client_browse_next(c, &next, release ? NULL : on_next, release ? NULL : x);
        ua_clear(&next, UA_TYPE_BROWSENEXTREQUEST);
        if (st != UA_STATUS_GOOD && !release) {
            fail(x, st, "discoverDataTypes failed");
            return;
        }
        if (!release)
            return;
    }
    x->level_start = x->level_end;
    x->level_end = x->n;
    if (x->level_start == x->level_end || ++x->level >= MAX_LEVELS || x->n >= MAX_NODES)
        read_definitions(x, c);
    else
        browse_level(x, c);
}

static bool browse_failed(disc *x, ua_status st, ua_ResponseHeader *h)
{
    if (st == UA_STATUS_GOOD && h && UA_STATUS_IS_BAD(h->serviceResult))
        st = h->serviceResult;
    if (st == UA_STATUS_GOOD && h)
        return false;
    fail(x, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, "discoverDataTypes failed");
    return true;
}

static void on_next(ua_client *c, ua_status st, void *resp, void *ud)
{
    disc *x = ud;
    ua_BrowseNextResponse *r = resp;
    if (browse_failed(x, st, r ? &r->responseHeader : NULL))
        return;
    for (size_t i = 0; i < r->resultsSize && i < x->next_n; i++) {
        if (add_refs(x, x->next_parent[i], &r->results[i]) != 0 ||
            keep_cp(x, x->next_parent[i], &r->results[i]) != 0) {
            fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
            return;
        }
    }
    continue_level(x, c);
}

static void on_level(ua_client *c, ua_status st, void *resp, void *ud)
{
    disc *x = ud;
    ua_BrowseResponse *r = resp;
    if (browse_failed(x, st, r ? &r->responseHeader : NULL))
        return;
    size_t start = x->level_start, end = x->level_end;
    for (size_t i = 0; i < r->resultsSize && start + i < end; i++) {
        if (add_refs(x, start + i, &r->results[i]) != 0 ||
            keep_cp(x, start + i, &r->results[i]) != 0) {
            fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
            return;
        }
    }
    continue_level(x, c);
}

static void browse_level(disc *x, ua_client *c)
{
    size_t n = x->level_end - x->level_start;
    ua_BrowseRequest req;
    ua_init(&req, UA_TYPE_BROWSEREQUEST);
    req.nodesToBrowse = ua_array_new(n, UA_TYPE_BROWSEDESCRIPTION);
    if (!req.nodesToBrowse) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    req.nodesToBrowseSize = n;
    for (size_t i = 0; i < n; i++) {
        ua_BrowseDescription *bd = &req.nodesToBrowse[i];
        ua_copy(&x->nodes[x->level_start + i].id, &bd->nodeId, UA_BUILTIN(UA_KIND_NODEID));
        bd->browseDirection = UA_BROWSEDIRECTION_FORWARD;
        bd->referenceTypeId = ua_nodeid_numeric(0, ID_HASSUBTYPE);
        bd->includeSubtypes = false;
        bd->nodeClassMask = UA_NODECLASS_DATATYPE;
        bd->resultMask = UA_BROWSERESULTMASK_BROWSENAME;
    }
    ua_status st = ua_client_browse(c, &req, on_level, x);
    ua_clear(&req, UA_TYPE_BROWSEREQUEST);
    if (st != UA_STATUS_GOOD)
        fail(x, st, "discoverDataTypes failed");
}

/* ---- from the cache ---------------------------------------------------------- */

/* Rebuilds from a cache entry; false when it is unusable (then discover). */
static bool from_cache(disc *x, const json_t *entry)
{
    const json_t *types = json_object_get(entry, "types");
    const json_t *bases = json_object_get(entry, "bases");
    if (!json_is_array(types) || !json_is_array(bases))
        return false;
    size_t i;
    const json_t *v;
    json_array_foreach(bases, i, v)
    {
        ua_NodeId id;
        wire_error err;
        wire_error_init(&err, NULL);
        json_int_t d = json_integer_value(json_array_get(v, 1));
        if (!descriptor_of(d) || wire_to_nodeid(json_array_get(v, 0), &id, &err) != 0)
            return false;
        ua_status st = ua_nodemap_put(&x->based, &id, (size_t)d);
        ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
        if (st != UA_STATUS_GOOD)
            return false;
    }
    json_array_foreach(types, i, v)
    {
        wire_error err;
        wire_error_init(&err, NULL);
        ua_NodeId id, enc;
        ua_String name = {0};
        if (wire_to_nodeid(json_object_get(v, "typeId"), &id, &err) != 0)
            return false;
        if (wire_to_nodeid(json_object_get(v, "encodingId"), &enc, &err) != 0) {
            ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
            return false;
        }
        const json_t *jn = json_object_get(v, "name");
        if (json_is_string(jn))
            ua_string_from(&name, json_string_value(jn));
        int rc = add_node(x, &id, NULL, &name);
        ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
        ua_clear(&name, UA_BUILTIN(UA_KIND_STRING));
        if (rc != 0) {
            ua_clear(&enc, UA_BUILTIN(UA_KIND_NODEID));
            return false;
        }
        dnode *nd = &x->nodes[x->n - 1];
        nd->encoding = enc;
        nd->def = ua_new(UA_TYPE_STRUCTUREDEFINITION);
        if (!nd->def || wire_to_value(json_object_get(v, "definition"), UA_TYPE_STRUCTUREDEFINITION,
                                      nd->def, &err) != 0)
            return false;
    }
    return true;
}

static ua_dyntypes *build_cached(disc *x)
{
    ua_dyntype_input *in = calloc(x->n ? x->n : 1, sizeof(*in));
    if (!in)
        return NULL;
    for (size_t i = 0; i < x->n; i++) {
        in[i].type_id = x->nodes[i].id;
        in[i].name = x->nodes[i].name;
        in[i].def = x->nodes[i].def;
        in[i].encoding_id = x->nodes[i].encoding;
    }
    ua_dyntypes *r = ua_dyntypes_build(in, x->n, base_cached, x);
    free(in);
    return r;
}

/* ---- entry point ---------------------------------------------------------------- */

void query_discover_data_types(osmd *d, dsession *s, ipc_request *req, json_t *params, bool tagged)
{
    json_t *nsj = json_array_get(params, 0), *use = json_array_get(params, 1);
    long ns = -1;
    if (nsj && !json_is_null(nsj)) {
        if (!json_is_integer(nsj) || json_integer_value(nsj) < 0 ||
            json_integer_value(nsj) > 65535) {
            reply_error(req, "TypeError", "namespaceIndex must be an integer 0..65535 or null");
            return;
        }
        ns = (long)json_integer_value(nsj);
    }
    if (use && !json_is_null(use) && !json_is_boolean(use)) {
        reply_error(req, "TypeError", "useCache must be a boolean");
        return;
    }
    disc *x = calloc(1, sizeof(*x));
    if (!x) {
        reply_error(req, "Exception", "out of memory");
        return;
    }
    x->d = d;
    x->req = req;
    x->ns_filter = ns;
    x->tagged = tagged;
    snprintf(x->session_id, sizeof(x->session_id), "%s", s->id);
    if (d->cache && !tagged)
        x->cache_key = dcache_key(s->endpoint_url, "discoverDataTypes", NULL, NULL);
    json_t *hit = x->cache_key && !json_is_false(use) ? dcache_get(d->cache, x->cache_key) : NULL;
    if (hit) {
        bool ok = from_cache(x, hit);
        json_decref(hit);
        ua_dyntypes *r = ok ? build_cached(x) : NULL;
        if (r) {
            install(x, r);
            return;
        }
        /* unusable entry: discover again from scratch */
        disc *fresh = calloc(1, sizeof(*fresh));
        if (!fresh) {
            fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
            return;
        }
        *fresh = (disc){
            .d = d, .req = req, .ns_filter = ns, .tagged = tagged, .cache_key = x->cache_key};
        memcpy(fresh->session_id, x->session_id, sizeof(fresh->session_id));
        x->cache_key = NULL;
        disc_free(x);
        x = fresh;
    }
    ua_NodeId root = ua_nodeid_numeric(0, ID_BASEDATATYPE);
    if (add_node(x, &root, NULL, NULL) != 0) {
        fail(x, UA_STATUS_BADOUTOFMEMORY, "discoverDataTypes failed");
        return;
    }
    x->level_start = 0;
    x->level_end = 1;
    browse_level(x, s->client);
}
