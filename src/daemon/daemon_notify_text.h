/* DataChange notification lines as text, without building them in jansson:
 * the bytes ipc_json_dump writes for the line of daemon_publish_lines.c,
 * which the auto-publish engine writes for every notification. Scalars of
 * the simple built-in types are written here; any other value goes through
 * wire_from_data_value + ipc_json_dump, so the output is the same either
 * way (tests/unit/daemon/test_daemon_notify_text.c compares the two).
 * Pure: no I/O, no daemon state. */
#ifndef DAEMON_NOTIFY_TEXT_H
#define DAEMON_NOTIFY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"
#include "util/bbuf.h"

/* The last timestamp written, as the quoted text of its second: the items
 * of one Publish response mostly share their timestamps. */
typedef struct dntext_cache {
    bool valid;
    int64_t secs;
    size_t len;
    char text[48];
} dntext_cache;

/** Appends the JSON of dv (borrowed) to out, byte for byte what
 *  ipc_json_dump(wire_from_data_value(dv)) appends. c caches timestamps;
 *  a zeroed one is empty. Returns 0, IPC_JSON_EINVAL, BBUF_ENOMEM or
 *  BBUF_ETOOBIG; on error out->len is what it was before the call. */
int dntext_data_value(const ua_DataValue *dv, dntext_cache *c, bbuf *out);

/** Appends ,"subscriptionId":sub_id,"sequenceNumber":seq,"publishTime":..
 *  (the fields of a line that change from one Publish response to the
 *  next) as ipc_json_dump writes them. Same returns as dntext_data_value. */
int dntext_message_fields(uint32_t sub_id, uint32_t seq, ua_DateTime publish_time, dntext_cache *c,
                          bbuf *out);

/** Appends one whole line for n (borrowed): prefix (plen bytes: the JSON
 *  object of the common fields without its closing brace), then
 *  ,"clientHandle":..,"dataValue":.., then ,"republished":true when asked,
 *  then "}\n". Same returns as dntext_data_value; on error out->len is
 *  unchanged. */
int dntext_data_change_line(const char *prefix, size_t plen, const ua_MonitoredItemNotification *n,
                            bool republished, dntext_cache *c, bbuf *out);

#endif
