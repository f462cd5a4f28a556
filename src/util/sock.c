#include "sock.h"

#include <errno.h>
#include <sys/socket.h>

ssize_t osm_send_now(int fd, const void *p, size_t n)
{
    for (;;) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w >= 0)
            return w;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}
