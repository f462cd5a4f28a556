/* Multi-node services split to fit the server's OperationLimits (or the
 * configured batch size) and re-assembled in order, so callers see one
 * response. Generic over the type descriptors: a request's operation array
 * and the response's result array are found by name. */
#include <stdlib.h>
#include <string.h>

#include "ua_client_int.h"
#include "ua_statuscodes.h"
#include "util/log.h"

typedef struct batch {
    ua_client *c;
    const ua_type *resp_type;
    const ua_member *results; /* array member of the response */
    const ua_member *diags;   /* diagnosticInfos member of the response, or NULL */
    void *combined;           /* the response being assembled */
    size_t total;
    size_t parts_left;
    ua_status first_error;
    ua_service_cb cb;
    void *ud;
} batch;

typedef struct part {
    batch *b;
    size_t offset;
    size_t count;
} part;

static const ua_member *member_named(const ua_type *t, const char *name)
{
    for (uint16_t i = 0; i < t->members_size; i++)
        if (strcmp(t->members[i].name, name) == 0)
            return &t->members[i];
    return NULL;
}

/* Moves the elements of the part's result array into the combined one at
 * offset, leaving the part's array empty so clearing it frees no element. */
static ua_status steal_results(const ua_member *m, void *from, void *to, size_t offset,
                               size_t expect)
{
    size_t *n = (size_t *)((uint8_t *)from + m->offset);
    void **arr = (void **)(n + 1);
    size_t *tn = (size_t *)((uint8_t *)to + m->offset);
    uint8_t *tarr = *(void **)(tn + 1);
    if (*n == 0 || !*arr)
        return UA_STATUS_GOOD; /* e.g. no diagnostics */
    if (*n != expect)
        return UA_STATUS_BADUNEXPECTEDERROR; /* server broke the 1:1 rule */
    memcpy(tarr + offset * m->type->mem_size, *arr, *n * m->type->mem_size);
    ua_free(*arr);
    *arr = NULL;
    *n = 0;
    return UA_STATUS_GOOD;
}

static void finish_batch(batch *b)
{
    ua_status st = b->first_error;
    b->cb(b->c, st, st == UA_STATUS_GOOD ? b->combined : NULL, b->ud);
    ua_delete(b->combined, b->resp_type);
    free(b);
}

static void on_part(ua_client *c, ua_status st, void *resp, void *ud)
{
    part *p = ud;
    batch *b = p->b;
    (void)c;
    if (st == UA_STATUS_GOOD && resp) {
        const ua_ResponseHeader *h = resp;
        if (UA_STATUS_IS_BAD(h->serviceResult))
            st = h->serviceResult;
    }
    if (st == UA_STATUS_GOOD && resp) {
        if (p->offset == 0) {
            /* The first part's header stands for the whole answer. */
            ua_ResponseHeader *dst = b->combined;
            ua_clear(dst, UA_TYPE_RESPONSEHEADER);
            ua_copy(resp, dst, UA_TYPE_RESPONSEHEADER);
        }
        st = steal_results(b->results, resp, b->combined, p->offset, p->count);
        if (st == UA_STATUS_GOOD && b->diags)
            st = steal_results(b->diags, resp, b->combined, p->offset, p->count);
        if (st != UA_STATUS_GOOD)
            log_warning("server answered a batch of %zu with a wrong number of results", p->count);
    }
    if (st != UA_STATUS_GOOD && b->first_error == UA_STATUS_GOOD)
        b->first_error = st;
    free(p);
    if (--b->parts_left == 0)
        finish_batch(b);
}

/* Sends req (of req_type, operations in array member `ops`) in parts of at
 * most `limit` operations; results land in member `results`. */
static ua_status batched(ua_client *c, const void *req, const ua_type *req_type, const char *ops,
                         const ua_type *resp_type, const char *results, uint32_t limit,
                         uint32_t retries, ua_service_cb cb, void *ud)
{
    const ua_member *om = member_named(req_type, ops);
    const ua_member *rm = member_named(resp_type, results);
    if (!om || !rm || !om->is_array || !rm->is_array)
        return UA_STATUS_BADINTERNALERROR;
    const size_t *np = (const size_t *)((const uint8_t *)req + om->offset);
    size_t total = *np;
    if (c->cfg.batch_size && (limit == 0 || c->cfg.batch_size < limit))
        limit = c->cfg.batch_size;
    if (limit == 0 || total <= limit)
        return ua_client_service(c, req, req_type, resp_type, retries, cb, ud);

    batch *b = calloc(1, sizeof(*b));
    if (!b)
        return UA_STATUS_BADOUTOFMEMORY;
    b->c = c;
    b->resp_type = resp_type;
    b->results = rm;
    b->diags = member_named(resp_type, "diagnosticInfos");
    b->total = total;
    b->cb = cb;
    b->ud = ud;
    b->combined = ua_new(resp_type);
    void *res_arr = b->combined ? ua_array_new(total, rm->type) : NULL;
    void *diag_arr = b->diags && res_arr ? ua_array_new(total, b->diags->type) : NULL;
    if (!res_arr || (b->diags && !diag_arr)) {
        ua_free(res_arr);
        ua_free(diag_arr);
        ua_delete(b->combined, resp_type);
        free(b);
        return UA_STATUS_BADOUTOFMEMORY;
    }
    size_t *rn = (size_t *)((uint8_t *)b->combined + rm->offset);
    rn[0] = total;
    *(void **)(rn + 1) = res_arr;
    if (b->diags) {
        size_t *dn = (size_t *)((uint8_t *)b->combined + b->diags->offset);
        dn[0] = total;
        *(void **)(dn + 1) = diag_arr;
    }

    /* A shallow copy of the request pointing at one slice at a time: each
     * part is encoded before ua_client_service returns. */
    uint8_t *slice = malloc(req_type->mem_size);
    if (!slice) {
        ua_delete(b->combined, resp_type);
        free(b);
        return UA_STATUS_BADOUTOFMEMORY;
    }
    memcpy(slice, req, req_type->mem_size);
    size_t *sn = (size_t *)(slice + om->offset);
    const uint8_t *base = *(void *const *)(np + 1);
    size_t parts = (total + limit - 1) / limit;
    b->parts_left = parts;
    ua_status st = UA_STATUS_GOOD;
    size_t sent = 0;
    for (size_t off = 0; off < total; off += limit) {
        part *p = calloc(1, sizeof(*p));
        if (!p) {
            st = UA_STATUS_BADOUTOFMEMORY;
            break;
        }
        p->b = b;
        p->offset = off;
        p->count = total - off < limit ? total - off : limit;
        sn[0] = p->count;
        *(const void **)(sn + 1) = base + off * om->type->mem_size;
        st = ua_client_service(c, slice, req_type, resp_type, retries, on_part, p);
        if (st != UA_STATUS_GOOD) {
            free(p);
            break;
        }
        sent++;
    }
    free(slice);
    if (st != UA_STATUS_GOOD) {
        if (sent == 0) {
            ua_delete(b->combined, resp_type);
            free(b);
            return st;
        }
        /* Parts already out finish normally; account for the missing ones. */
        b->first_error = st;
        b->parts_left -= parts - sent;
    }
    log_debug("%s of %zu operations sent in %zu requests of at most %u", req_type->name, total,
              sent, (unsigned)limit);
    return UA_STATUS_GOOD;
}

ua_status ua_client_read(ua_client *c, const ua_ReadRequest *req, ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_READREQUEST, "nodesToRead", UA_TYPE_READRESPONSE, "results",
                   c->limits.max_nodes_per_read, c->cfg.auto_retry, cb, ud);
}

ua_status ua_client_write(ua_client *c, const ua_WriteRequest *req, ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_WRITEREQUEST, "nodesToWrite", UA_TYPE_WRITERESPONSE, "results",
                   c->limits.max_nodes_per_write, 0, cb, ud);
}

ua_status ua_client_browse(ua_client *c, const ua_BrowseRequest *req, ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_BROWSEREQUEST, "nodesToBrowse", UA_TYPE_BROWSERESPONSE,
                   "results", c->limits.max_nodes_per_browse, c->cfg.auto_retry, cb, ud);
}

ua_status ua_client_browse_next(ua_client *c, const ua_BrowseNextRequest *req, ua_service_cb cb,
                                void *ud)
{
    /* Continuation points belong to the session: never resent elsewhere. */
    return batched(c, req, UA_TYPE_BROWSENEXTREQUEST, "continuationPoints",
                   UA_TYPE_BROWSENEXTRESPONSE, "results", c->limits.max_nodes_per_browse, 0, cb,
                   ud);
}

ua_status ua_client_translate(ua_client *c, const ua_TranslateBrowsePathsToNodeIdsRequest *req,
                              ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSREQUEST, "browsePaths",
                   UA_TYPE_TRANSLATEBROWSEPATHSTONODEIDSRESPONSE, "results",
                   c->limits.max_nodes_per_translate, c->cfg.auto_retry, cb, ud);
}

ua_status ua_client_call(ua_client *c, const ua_CallRequest *req, ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_CALLREQUEST, "methodsToCall", UA_TYPE_CALLRESPONSE, "results",
                   c->limits.max_nodes_per_method_call, 0, cb, ud);
}

ua_status ua_client_register_nodes(ua_client *c, const ua_RegisterNodesRequest *req,
                                   ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_REGISTERNODESREQUEST, "nodesToRegister",
                   UA_TYPE_REGISTERNODESRESPONSE, "registeredNodeIds",
                   c->limits.max_nodes_per_register, 0, cb, ud);
}

ua_status ua_client_create_monitored_items(ua_client *c, const ua_CreateMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_CREATEMONITOREDITEMSREQUEST, "itemsToCreate",
                   UA_TYPE_CREATEMONITOREDITEMSRESPONSE, "results",
                   c->limits.max_monitored_items_per_call, 0, cb, ud);
}

ua_status ua_client_modify_monitored_items(ua_client *c, const ua_ModifyMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_MODIFYMONITOREDITEMSREQUEST, "itemsToModify",
                   UA_TYPE_MODIFYMONITOREDITEMSRESPONSE, "results",
                   c->limits.max_monitored_items_per_call, 0, cb, ud);
}

ua_status ua_client_delete_monitored_items(ua_client *c, const ua_DeleteMonitoredItemsRequest *req,
                                           ua_service_cb cb, void *ud)
{
    return batched(c, req, UA_TYPE_DELETEMONITOREDITEMSREQUEST, "monitoredItemIds",
                   UA_TYPE_DELETEMONITOREDITEMSRESPONSE, "results",
                   c->limits.max_monitored_items_per_call, 0, cb, ud);
}

ua_status ua_client_unregister_nodes(ua_client *c, const ua_UnregisterNodesRequest *req,
                                     ua_service_cb cb, void *ud)
{
    return ua_client_service(c, req, UA_TYPE_UNREGISTERNODESREQUEST,
                             UA_TYPE_UNREGISTERNODESRESPONSE, 0, cb, ud);
}

ua_status ua_client_get_endpoints(ua_client *c, const char *endpoint_url, ua_service_cb cb,
                                  void *ud)
{
    ua_GetEndpointsRequest req;
    ua_init(&req, UA_TYPE_GETENDPOINTSREQUEST);
    req.endpointUrl = ua_string_borrow(endpoint_url ? endpoint_url : c->url);
    return ua_client_service(c, &req, UA_TYPE_GETENDPOINTSREQUEST, UA_TYPE_GETENDPOINTSRESPONSE,
                             c->cfg.auto_retry, cb, ud);
}

ua_status ua_client_find_servers(ua_client *c, const char *endpoint_url, ua_service_cb cb, void *ud)
{
    ua_FindServersRequest req;
    ua_init(&req, UA_TYPE_FINDSERVERSREQUEST);
    req.endpointUrl = ua_string_borrow(endpoint_url ? endpoint_url : c->url);
    return ua_client_service(c, &req, UA_TYPE_FINDSERVERSREQUEST, UA_TYPE_FINDSERVERSRESPONSE,
                             c->cfg.auto_retry, cb, ud);
}
