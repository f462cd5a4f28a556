/* ua-probe: connects to an OPC UA server with the project's asynchronous
 * client stack, reads the server's CurrentTime (i=2258) and browses the
 * Objects folder (i=85), and prints both. A small, complete example of the
 * internal client API.
 *   ua-probe opc.tcp://host:4840[/path] [--user NAME --password PW] [--debug] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ua_client.h"
#include "ua_nodeids.h"
#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/log.h"

static int exit_code = 1;

static void print_variant(const ua_Variant *v)
{
    if (!v->type) {
        printf("(empty)");
        return;
    }
    if (v->is_array) {
        printf("%s[%zu]", v->type->name, v->array_length);
        return;
    }
    switch (v->type->kind) {
    case UA_KIND_DATETIME: {
        char iso[40];
        if (ua_datetime_print_iso(*(ua_DateTime *)v->data, 3, iso, sizeof(iso)) > 0)
            printf("%s", iso);
        break;
    }
    case UA_KIND_INT32:
        printf("%d", *(int32_t *)v->data);
        break;
    case UA_KIND_STRING:
        printf("\"%s\"", ((ua_String *)v->data)->data ? (char *)((ua_String *)v->data)->data : "");
        break;
    default:
        printf("(%s)", v->type->name);
        break;
    }
}

static void on_disconnected(ua_client *c, ua_status st, void *ud)
{
    (void)st;
    (void)ud;
    ua_client_delete(c);
}

static void on_browsed(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    const ua_BrowseResponse *r = resp;
    if (st != UA_STATUS_GOOD || !r || r->resultsSize != 1) {
        fprintf(stderr, "ua-probe: browse failed: %s\n", ua_status_name(st));
    } else {
        const ua_BrowseResult *br = &r->results[0];
        printf("browse i=85: %s, %zu references\n", ua_status_name(br->statusCode),
               br->referencesSize);
        for (size_t i = 0; i < br->referencesSize; i++) {
            char *id = ua_nodeid_to_cstr(&br->references[i].nodeId.node_id);
            const ua_String *name = &br->references[i].browseName.name;
            printf("  %-30.*s %s\n", (int)name->length, name->data ? (char *)name->data : "",
                   id ? id : "?");
            free(id);
        }
        exit_code = 0;
    }
    ua_client_disconnect(c, on_disconnected, NULL);
}

static void on_read(ua_client *c, ua_status st, void *resp, void *ud)
{
    (void)ud;
    const ua_ReadResponse *r = resp;
    if (st != UA_STATUS_GOOD || !r || r->resultsSize != 1) {
        fprintf(stderr, "ua-probe: read failed: %s\n", ua_status_name(st));
        ua_client_disconnect(c, on_disconnected, NULL);
        return;
    }
    printf("read i=2258 (CurrentTime): ");
    print_variant(&r->results[0].value);
    printf(" [%s]\n", ua_status_name(r->results[0].status));

    ua_BrowseDescription bd;
    ua_init(&bd, UA_TYPE_BROWSEDESCRIPTION);
    bd.nodeId = ua_nodeid_numeric(0, UA_NS0_OBJECTSFOLDER);
    bd.browseDirection = UA_BROWSEDIRECTION_FORWARD;
    bd.referenceTypeId = ua_nodeid_numeric(0, UA_NS0_HIERARCHICALREFERENCES);
    bd.includeSubtypes = true;
    bd.resultMask = 63;
    ua_BrowseRequest br;
    ua_init(&br, UA_TYPE_BROWSEREQUEST);
    br.nodesToBrowse = &bd;
    br.nodesToBrowseSize = 1;
    st = ua_client_browse(c, &br, on_browsed, NULL);
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "ua-probe: browse failed: %s\n", ua_status_name(st));
        ua_client_disconnect(c, on_disconnected, NULL);
    }
}

static void on_connected(ua_client *c, ua_status st, void *ud)
{
    (void)ud;
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "ua-probe: cannot connect: %s (%s)\n", ua_status_name(st),
                ua_status_description(st));
        ua_client_delete(c);
        return;
    }
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = ua_nodeid_numeric(0, UA_NS0_SERVER_SERVERSTATUS_CURRENTTIME);
    id.attributeId = UA_ATTRIBUTEID_VALUE;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    req.timestampsToReturn = UA_TIMESTAMPSTORETURN_BOTH;
    st = ua_client_read(c, &req, on_read, NULL);
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "ua-probe: read failed: %s\n", ua_status_name(st));
        ua_client_disconnect(c, on_disconnected, NULL);
    }
}

int main(int argc, char **argv)
{
    ua_client_config cfg;
    ua_client_config_default(&cfg);
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
            cfg.username = argv[++i];
        else if (strcmp(argv[i], "--password") == 0 && i + 1 < argc)
            cfg.password = argv[++i];
        else if (strcmp(argv[i], "--debug") == 0)
            log_set_level(LOG_DEBUG);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: ua-probe opc.tcp://host:port[/path] [--user NAME --password PW] "
                   "[--debug]\n");
            return 0;
        } else if (!url && argv[i][0] != '-')
            url = argv[i];
        else {
            fprintf(stderr, "ua-probe: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (!url) {
        fprintf(stderr, "usage: ua-probe opc.tcp://host:port[/path] [--user NAME --password PW]\n");
        return 2;
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    ua_client *c = ua_client_new(&loop, &cfg);
    if (!c)
        return 1;
    ua_status st = ua_client_connect(c, url, on_connected, NULL);
    if (st != UA_STATUS_GOOD) {
        fprintf(stderr, "ua-probe: %s: %s\n", url, ua_status_name(st));
        ua_client_delete(c);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return st == UA_STATUS_GOOD ? exit_code : 2;
}
