/* getrandom(2) in a loop: it may return fewer bytes than asked for large
 * requests or when a signal arrives. */
#include "random.h"

#include <errno.h>
#include <sys/random.h>

int osm_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}
