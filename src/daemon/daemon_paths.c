/* Query methods that walk the address space: browseRecursive (level by
 * level, every level one batched Browse plus BrowseNext for continuation
 * points, cycle-safe, bounded in depth and node count) and resolveNodeId
 * (a slash path through TranslateBrowsePathsToNodeIds, or a NodeId string
 * parsed locally), as query-methods.md describes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/log.h"
#include "wire.h"

#define RECURSIVE_MAX_DEPTH 256
#define RECURSIVE_MAX_NODES 20000 /* BrowseNode objects in one answer */

static json_t *param(json_t *params, size_t i)
{
    json_t *p = params ? json_array_get(params, i) : NULL;
    return p && !json_is_null(p) ? p : NULL;
}

/* ---- browseRecursive ------------------------------------------------------- */

typedef struct frontier {
    ua_NodeId node;
    json_t *children; /* borrowed: the array to fill */
} frontier;

typedef struct rctx {
    osmd *d;
    ipc_request *req;
    ua_client *c;
    ua_BrowseDescription proto; /* direction, reference type, mask (nodeId unused) */
    int depth, max_depth;
    json_t *root;    /* the answer (array of BrowseNode) */
    frontier *level; /* nodes browsed at this level */
    size_t level_n;
    frontier *next; /* children to browse at the next level */
    size_t next_n, next_cap;
    ua_NodeId *visited; /* every node expanded or queued */
    size_t visited_n, visited_cap;
    size_t nodes; /* BrowseNode objects made */
    /* continuation points still to follow: index into level, point */
    size_t *cp_index;
    ua_ByteString *cps;
    size_t cp_n;
} rctx;

static void rctx_free(rctx *r)
{
    ua_clear(&r->proto, UA_TYPE_BROWSEDESCRIPTION);
    for (size_t i = 0; i < r->level_n; i++)
        ua_clear(&r->level[i].node, UA_BUILTIN(UA_KIND_NODEID));
    for (size_t i = 0; i < r->next_n; i++)
        ua_clear(&r->next[i].node, UA_BUILTIN(UA_KIND_NODEID));
    free(r->level);
    free(r->next);
    ua_array_delete(r->visited, r->visited_n, UA_BUILTIN(UA_KIND_NODEID));
    ua_array_delete(r->cps, r->cp_n, UA_BUILTIN(UA_KIND_BYTESTRING));
    free(r->cp_index);
    json_decref(r->root);
    free(r);
}

static bool seen(rctx *r, const ua_NodeId *n)
{
    for (size_t i = 0; i < r->visited_n; i++)
        if (ua_nodeid_equal(&r->visited[i], n))
            return true;
    return false;
}

static int remember(rctx *r, const ua_NodeId *n)
{
    if (r->visited_n == r->visited_cap) {
        size_t cap = r->visited_cap ? r->visited_cap * 2 : 64;
        ua_NodeId *v =
            realloc(r->visited == UA_EMPTY_ARRAY ? NULL : r->visited, cap * sizeof(ua_NodeId));
        if (!v)
            return -1;
        r->visited = v;
        r->visited_cap = cap;
    }
    if (ua_copy(n, &r->visited[r->visited_n], UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
        return -1;
    r->visited_n++;
    return 0;
}

static int queue_next(rctx *r, const ua_NodeId *n, json_t *children)
{
    if (r->next_n == r->next_cap) {
        size_t cap = r->next_cap ? r->next_cap * 2 : 32;
        frontier *f = realloc(r->next, cap * sizeof(frontier));
        if (!f)
            return -1;
        r->next = f;
        r->next_cap = cap;
    }
    if (ua_copy(n, &r->next[r->next_n].node, UA_BUILTIN(UA_KIND_NODEID)) != UA_STATUS_GOOD)
        return -1;
    r->next[r->next_n].children = children;
    r->next_n++;
    return 0;
}

static void browse_level(rctx *r);
static void follow_cps(rctx *r);

/* Adds one result's references under level[i] and queues their targets. */
static int take_result(rctx *r, size_t i, const ua_BrowseResult *br)
{
    for (size_t k = 0; k < br->referencesSize; k++) {
        const ua_ReferenceDescription *ref = &br->references[k];
        if (r->nodes >= RECURSIVE_MAX_NODES)
            break;
        json_t *children = json_array();
        json_t *node = wire_from_browse_node(ref, children);
        if (!node)
            return -1;
        json_array_append_new(r->level[i].children, node);
        r->nodes++;
        const ua_NodeId *target = &ref->nodeId.node_id;
        if (r->depth + 1 < r->max_depth && ref->nodeId.server_index == 0 &&
            !ref->nodeId.namespace_uri.data && !seen(r, target)) {
            if (remember(r, target) != 0 || queue_next(r, target, children) != 0)
                return -1;
        }
    }
    if (br->continuationPoint.length) {
        ua_ByteString *cps = realloc(r->cps == UA_EMPTY_ARRAY ? NULL : r->cps,
                                     (r->cp_n + 1) * sizeof(ua_ByteString));
        size_t *idx = realloc(r->cp_index, (r->cp_n + 1) * sizeof(size_t));
        if (cps)
            r->cps = cps;
        if (idx)
            r->cp_index = idx;
        if (!cps || !idx ||
            ua_copy(&br->continuationPoint, &r->cps[r->cp_n], UA_BUILTIN(UA_KIND_BYTESTRING)) !=
                UA_STATUS_GOOD)
            return -1;
        r->cp_index[r->cp_n++] = i;
    }
    return 0;
}

static void fail_r(rctx *r, ua_status st)
{
    reply_status(r->req, st, "browseRecursive failed");
    rctx_free(r);
}

/* The level is complete: move on to its children, or answer. */
static void level_done(rctx *r)
{
    for (size_t i = 0; i < r->level_n; i++)
        ua_clear(&r->level[i].node, UA_BUILTIN(UA_KIND_NODEID));
    free(r->level);
    r->level = r->next;
    r->level_n = r->next_n;
    r->next = NULL;
    r->next_n = r->next_cap = 0;
    r->depth++;
    if (r->level_n == 0 || r->nodes >= RECURSIVE_MAX_NODES) {
        if (r->nodes >= RECURSIVE_MAX_NODES)
            log_warning("browseRecursive stopped after %d nodes", RECURSIVE_MAX_NODES);
        reply_ok(r->req, json_incref(r->root));
        rctx_free(r);
        return;
    }
    browse_level(r);
}

static void on_results(ua_client *c, ua_status st, void *resp, void *ud)
{
    rctx *r = ud;
    (void)c;
    /* BrowseResponse and BrowseNextResponse: header, then results. */
    ua_BrowseResponse *b = resp;
    if (st == UA_STATUS_GOOD && b && UA_STATUS_IS_BAD(b->responseHeader.serviceResult))
        st = b->responseHeader.serviceResult;
    if (st != UA_STATUS_GOOD || !b) {
        fail_r(r, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR);
        return;
    }
    /* The CPs in flight were sent in r->cps order; their level indices are
     * kept in r->cp_index. A fresh Browse maps 1:1 onto the level. */
    size_t *indices = NULL, n_idx = 0;
    if (r->cp_n) {
        indices = r->cp_index;
        n_idx = r->cp_n;
        r->cp_index = NULL;
        ua_array_delete(r->cps, r->cp_n, UA_BUILTIN(UA_KIND_BYTESTRING));
        r->cps = NULL;
        r->cp_n = 0;
    }
    size_t expect = indices ? n_idx : r->level_n;
    if (b->resultsSize != expect) {
        free(indices);
        fail_r(r, UA_STATUS_BADUNEXPECTEDERROR);
        return;
    }
    for (size_t k = 0; k < b->resultsSize; k++) {
        size_t i = indices ? indices[k] : k;
        if (UA_STATUS_IS_BAD(b->results[k].statusCode))
            continue; /* a node that cannot be browsed has no children */
        if (take_result(r, i, &b->results[k]) != 0) {
            free(indices);
            fail_r(r, UA_STATUS_BADOUTOFMEMORY);
            return;
        }
    }
    free(indices);
    if (r->cp_n)
        follow_cps(r);
    else
        level_done(r);
}

static void follow_cps(rctx *r)
{
    ua_BrowseNextRequest req;
    ua_init(&req, UA_TYPE_BROWSENEXTREQUEST);
    req.continuationPoints = r->cps;
    req.continuationPointsSize = r->cp_n;
    ua_status st = ua_client_browse_next(r->c, &req, on_results, r);
    if (st != UA_STATUS_GOOD)
        fail_r(r, st);
}

static void browse_level(rctx *r)
{
    ua_BrowseRequest req;
    ua_init(&req, UA_TYPE_BROWSEREQUEST);
    req.nodesToBrowse = ua_array_new(r->level_n, UA_TYPE_BROWSEDESCRIPTION);
    if (!req.nodesToBrowse) {
        fail_r(r, UA_STATUS_BADOUTOFMEMORY);
        return;
    }
    req.nodesToBrowseSize = r->level_n;
    for (size_t i = 0; i < r->level_n; i++) {
        ua_BrowseDescription *bd = &req.nodesToBrowse[i];
        ua_copy(&r->proto, bd, UA_TYPE_BROWSEDESCRIPTION);
        ua_clear(&bd->nodeId, UA_BUILTIN(UA_KIND_NODEID));
        ua_copy(&r->level[i].node, &bd->nodeId, UA_BUILTIN(UA_KIND_NODEID));
    }
    ua_status st = ua_client_browse(r->c, &req, on_results, r);
    ua_clear(&req, UA_TYPE_BROWSEREQUEST);
    if (st != UA_STATUS_GOOD)
        fail_r(r, st);
}

/* params: nodeId, direction, maxDepth, referenceTypeId, includeSubtypes,
 * nodeClasses (maxDepth third, unlike browse). */
void query_browse_recursive(osmd *d, dsession *s, ipc_request *req, json_t *params)
{
    rctx *r = calloc(1, sizeof(*r));
    if (!r) {
        reply_error(req, "Exception", "out of memory");
        return;
    }
    r->d = d;
    r->req = req;
    r->c = s->client;
    r->root = json_array();
    /* Reuse browse's parameter rules: rebuild the browse param list. */
    json_t *bp = json_array();
    json_array_append(bp, json_array_get(params, 0) ? json_array_get(params, 0) : json_null());
    json_array_append(bp, json_array_get(params, 1) ? json_array_get(params, 1) : json_null());
    json_array_append(bp, json_array_get(params, 3) ? json_array_get(params, 3) : json_null());
    json_array_append(bp, json_array_get(params, 4) ? json_array_get(params, 4) : json_null());
    json_array_append(bp, json_array_get(params, 5) ? json_array_get(params, 5) : json_null());
    int rc = query_browse_description(req, bp, &r->proto);
    json_decref(bp);
    if (rc != 0) {
        rctx_free(r);
        return;
    }
    json_t *md = param(params, 2);
    long depth = s->settings.has_browse_depth ? s->settings.default_browse_max_depth : 10;
    if (md) {
        if (!json_is_integer(md)) {
            reply_error(req, "TypeError", "maxDepth must be an integer or null");
            rctx_free(r);
            return;
        }
        depth = (long)json_integer_value(md);
    }
    if (depth == -1 || depth > RECURSIVE_MAX_DEPTH)
        depth = RECURSIVE_MAX_DEPTH;
    if (depth < 1) {
        reply_ok(req, json_array());
        rctx_free(r);
        return;
    }
    r->max_depth = (int)depth;
    r->level = calloc(1, sizeof(frontier));
    if (!r->level || ua_copy(&r->proto.nodeId, &r->level[0].node, UA_BUILTIN(UA_KIND_NODEID)) ||
        remember(r, &r->proto.nodeId) != 0) {
        reply_error(req, "Exception", "out of memory");
        rctx_free(r);
        return;
    }
    r->level_n = 1;
    r->level[0].children = r->root;
    browse_level(r);
}

/* ---- resolveNodeId -------------------------------------------------------------- */

typedef struct pctx {
    osmd *d;
    ipc_request *req;
    char *path;
    char *cache_key; /* owned; NULL = not cached */
} pctx;

static void pctx_free(pctx *p)
{
    free(p->path);
    free(p->cache_key);
    free(p);
}

static void on_resolved(ua_client *c, ua_status st, void *resp, void *ud)
{
    pctx *p = ud;
    (void)c;
    ua_TranslateBrowsePathsToNodeIdsResponse *r = resp;
    if (st == UA_STATUS_GOOD && r && UA_STATUS_IS_BAD(r->responseHeader.serviceResult))
        st = r->responseHeader.serviceResult;
    if (st == UA_STATUS_GOOD && r && r->resultsSize == 1) {
        const ua_BrowsePathResult *res = &r->results[0];
        if (!UA_STATUS_IS_BAD(res->statusCode) && res->targetsSize > 0) {
            json_t *id = wire_from_nodeid(&res->targets[0].targetId.node_id);
            if (p->cache_key && id)
                dcache_put(p->d->cache, p->cache_key, id);
            reply_ok(p->req, id);
            pctx_free(p);
            return;
        }
        st = UA_STATUS_IS_BAD(res->statusCode) ? res->statusCode : UA_STATUS_BADNOMATCH;
    }
    char what[700];
    snprintf(what, sizeof(what), "Failed to resolve path \"%.500s\"", p->path);
    reply_status(p->req, st != UA_STATUS_GOOD ? st : UA_STATUS_BADUNEXPECTEDERROR, what);
    pctx_free(p);
}

/* True for strings in NodeId syntax: ^(ns=\d+;)?[isgb]= */
static bool looks_like_nodeid(const char *s)
{
    if (strncmp(s, "nsu=", 4) == 0) { /* our extension: "nsu=<uri>;s=X" */
        const char *semi = strchr(s + 4, ';');
        return semi && semi > s + 4 && strchr("isgb", semi[1]) && semi[1] && semi[2] == '=';
    }
    if (strncmp(s, "ns=", 3) == 0) {
        const char *q = s + 3;
        if (*q < '0' || *q > '9')
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q != ';')
            return false;
        s = q + 1;
    }
    return (s[0] == 'i' || s[0] == 's' || s[0] == 'g' || s[0] == 'b') && s[1] == '=';
}

/* Builds the relative path of "/1:Objects/Server" (segments "ns:name"). */
static int build_path(const char *path, ua_BrowsePath *bp)
{
    while (*path == '/')
        path++;
    size_t len = strlen(path);
    while (len > 0 && path[len - 1] == '/')
        len--;
    size_t segs = 1;
    for (size_t i = 0; i < len; i++)
        segs += path[i] == '/';
    bp->relativePath.elements = ua_array_new(segs, UA_TYPE_RELATIVEPATHELEMENT);
    if (!bp->relativePath.elements)
        return -1;
    bp->relativePath.elementsSize = segs;
    const char *seg = path;
    for (size_t k = 0; k < segs; k++) {
        const char *end = memchr(seg, '/', (size_t)(path + len - seg));
        if (!end)
            end = path + len;
        ua_RelativePathElement *e = &bp->relativePath.elements[k];
        e->referenceTypeId = ua_nodeid_numeric(0, UA_NS0_HIERARCHICALREFERENCES);
        e->includeSubtypes = true;
        const char *name = seg;
        const char *colon = memchr(seg, ':', (size_t)(end - seg));
        if (colon && colon > seg) {
            bool digits = true;
            for (const char *q = seg; q < colon; q++)
                digits = digits && *q >= '0' && *q <= '9';
            if (digits && colon - seg <= 5) {
                e->targetName.ns = (uint16_t)strtoul(seg, NULL, 10);
                name = colon + 1;
            }
        }
        if (ua_string_from_bytes(&e->targetName.name, name, (size_t)(end - name)) != UA_STATUS_GOOD)
            return -1;
        seg = end + 1;
    }
    return 0;
}

void query_resolve_node_id(osmd *d, dsession *s, ipc_request *req, json_t *params, char *cache_key)
{
    json_t *pj = param(params, 0);
    const char *path = json_is_string(pj) ? json_string_value(pj) : "";
    json_t *start = param(params, 1);
    char msg[700];
    if (!start && (looks_like_nodeid(path) || !strchr(path, '/'))) {
        ua_NodeId id;
        wire_error err;
        wire_error_init(&err, "path");
        free(cache_key); /* parsed locally: nothing to cache */
        int rc = wire_nodeid_parse(path, strlen(path), &id, &err);
        if (rc == -2) { /* an "nsu=" URI the server does not know */
            reply_error(req, err.type, err.message);
            return;
        }
        if (rc != 0) {
            snprintf(msg, sizeof(msg), "Invalid NodeId format: %.500s", path);
            reply_error(req, "InvalidNodeIdException", msg);
            return;
        }
        reply_ok(req, wire_from_nodeid(&id));
        ua_clear(&id, UA_BUILTIN(UA_KIND_NODEID));
        return;
    }
    ua_BrowsePath bp;
    ua_init(&bp, UA_TYPE_BROWSEPATH);
    if (start) {
        wire_error err;
        wire_error_init(&err, "startingNodeId");
        if (wire_to_nodeid(start, &bp.startingNode, &err) != 0) {
            free(cache_key);
            reply_error(req, err.type ? err.type : "TypeError", err.message);
            return;
        }
    } else {
        bp.startingNode = ua_nodeid_numeric(0, UA_NS0_ROOTFOLDER);
    }
    pctx *p = calloc(1, sizeof(*p));
    if (p) {
        p->cache_key = cache_key;
        p->d = d;
    } else {
        free(cache_key);
    }
    if (!p || !(p->path = strdup(path)) || build_path(path, &bp) != 0) {
        if (p)
            pctx_free(p);
        ua_clear(&bp, UA_TYPE_BROWSEPATH);
        reply_error(req, "Exception", "out of memory");
        return;
    }
    p->req = req;
    ua_TranslateBrowsePathsToNodeIdsRequest tr;
    ua_init(&tr, UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSREQUEST);
    tr.browsePaths = &bp;
    tr.browsePathsSize = 1;
    ua_status st = ua_client_translate(s->client, &tr, on_resolved, p);
    ua_clear(&bp, UA_TYPE_BROWSEPATH);
    if (st != UA_STATUS_GOOD) {
        snprintf(msg, sizeof(msg), "Failed to resolve path \"%.500s\"", path);
        reply_status(req, st, msg);
        pctx_free(p);
    }
}
