/* libosm internals shared by the library's sources and its unit tests.
 * Not installed. */
#ifndef OSM_CLIENT_INT_H
#define OSM_CLIENT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "osm/osm.h"

/* Fills err (if not NULL) with code, type and a printf-style message; returns code. */
int osm__fail(osm_error *err, int code, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Marks err as success; returns OSM_OK. */
int osm__ok(osm_error *err);

/* Parses one reply line (without the '\n') into an envelope. On success,
 * *data receives a new reference to "data" (json null if absent). Error
 * envelopes map to OSM_EAUTH (auth_failed), OSM_ENOSESSION
 * (session_not_found) or OSM_EDAEMON with type/message copied; anything
 * that is not an envelope gives OSM_EPROTO. */
int osm__parse_reply(const char *line, size_t len, json_t **data, osm_error *err);

/* Node id text -> new json object (OSM_EINVAL on bad text). */
int osm__nodeid_parse(const char *text, json_t **out, osm_error *err);

#endif
