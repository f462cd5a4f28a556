#include "fuzz_peer.h"

#include <signal.h>
#include <stdlib.h>

static uv_loop_t *peer_loop;
static uv_tcp_t listener;
static fuzz_peer *current;

static void on_closed(uv_handle_t *h)
{
    fuzz_peer *p = h->data;
    if (p)
        p->closed = true;
    free(h);
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    uv_tcp_t *t = w->data;
    free(w);
    uv_close((uv_handle_t *)t, on_closed);
}

static void on_accept(uv_stream_t *l, int status)
{
    if (status < 0 || !current)
        return;
    uv_tcp_t *t = calloc(1, sizeof(*t));
    if (!t)
        abort();
    uv_tcp_init(peer_loop, t);
    t->data = current;
    current->accepted = true; /* from here on the input waits for on_closed */
    if (uv_accept(l, (uv_stream_t *)t) < 0) {
        uv_close((uv_handle_t *)t, on_closed);
        return;
    }
    uv_write_t *w = calloc(1, sizeof(*w));
    if (!w)
        abort();
    w->data = t;
    uv_buf_t buf = uv_buf_init((char *)current->data, (unsigned)current->size);
    if (uv_write(w, (uv_stream_t *)t, &buf, 1, on_written) < 0) {
        free(w);
        uv_close((uv_handle_t *)t, on_closed);
    }
}

int fuzz_peer_listen(uv_loop_t *loop)
{
    /* The peer's uv_write to a client that already hung up must not kill
     * the fuzzer, as it would not kill the daemon (it ignores SIGPIPE). */
    signal(SIGPIPE, SIG_IGN);
    peer_loop = loop;
    uv_tcp_init(loop, &listener);
    struct sockaddr_in sa;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    if (uv_tcp_bind(&listener, (const struct sockaddr *)&sa, 0) != 0 ||
        uv_listen((uv_stream_t *)&listener, 16, on_accept) != 0)
        abort();
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    uv_tcp_getsockname(&listener, (struct sockaddr *)&ss, &len);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void fuzz_peer_arm(fuzz_peer *p)
{
    current = p;
}
