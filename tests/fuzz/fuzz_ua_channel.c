/* libFuzzer target: a hostile OPC UA server. The client's secure channel
 * connects over loopback to a listener in this process, which answers the
 * Hello with the fuzz input as its whole byte stream and then closes.
 * Once the channel is open, a Read request goes out (request id 2), so
 * inputs can reach the OPN and MSG paths. Nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <uv.h>

#include "fuzz_peer.h"
#include "ua_channel.h"
#include "ua_statuscodes.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uv_loop_t loop;
static int port;

typedef struct run {
    ua_channel *ch;
    fuzz_peer peer; /* the server's side */
    bool closed;
    int messages;
} run;

static void on_open(void *ud, ua_status st)
{
    run *r = ud;
    if (st != UA_STATUS_GOOD)
        return;
    ua_ReadValueId id;
    ua_init(&id, UA_TYPE_READVALUEID);
    id.nodeId = ua_nodeid_numeric(0, 2258);
    id.attributeId = 13;
    ua_ReadRequest req;
    ua_init(&req, UA_TYPE_READREQUEST);
    req.nodesToRead = &id;
    req.nodesToReadSize = 1;
    uint32_t request_id;
    ua_channel_send(r->ch, &req, UA_TYPE_READREQUEST, &request_id);
}

static void on_message(void *ud, uint32_t request_id, ua_status st, const uint8_t *body, size_t len)
{
    run *r = ud;
    (void)request_id;
    (void)st;
    /* Touch every byte so ASan sees any overread. */
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + body[i]);
    r->messages++;
    if (getenv("FUZZ_DEBUG"))
        fprintf(stderr, "message for request %u: %s, %zu bytes\n", (unsigned)request_id,
                ua_status_name(st), len);
}

static void on_closed(void *ud, ua_status reason)
{
    run *r = ud;
    (void)reason;
    r->closed = true;
}

static void setup_once(void)
{
    if (port)
        return;
    /* Quiet: errors are expected (FUZZ_DEBUG=1 shows the channel log). */
    log_set_level(getenv("FUZZ_DEBUG") ? LOG_DEBUG : (enum log_level)(LOG_ERROR + 1));
    uv_loop_init(&loop);
    port = fuzz_peer_listen(&loop);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    run r = {0};
    r.peer.data = data;
    r.peer.size = size;
    fuzz_peer_arm(&r.peer);
    ua_channel_config cfg;
    ua_channel_config_default(&cfg);
    cfg.connect_timeout_ms = 2000;
    cfg.max_message_size = 1 << 20;
    ua_channel_callbacks cb = {on_open, on_message, on_closed};
    r.ch = ua_channel_new(&loop, &cfg, &cb, &r);
    char url[64];
    snprintf(url, sizeof(url), "opc.tcp://127.0.0.1:%d/fuzz", port);
    if (ua_channel_open(r.ch, url) != UA_STATUS_GOOD)
        abort();
    /* Bounded: the server side closes after writing, so the channel sees
     * EOF; the connect timeout bounds everything else. */
    while (!r.closed || fuzz_peer_busy(&r.peer))
        uv_run(&loop, UV_RUN_ONCE);
    ua_channel_delete(r.ch);
    /* Let the channel's handles close. */
    for (int i = 0; i < 4; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    fuzz_peer_arm(NULL);
    return 0;
}
