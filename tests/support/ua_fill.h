/* Test support: fills any described value with deterministic, non-default
 * content (every member set, arrays of two elements) so round-trip tests
 * exercise every field of every generated structure. */
#ifndef TEST_UA_FILL_H
#define TEST_UA_FILL_H

#include <stdint.h>

#include "ua_types.h"

/** Fills the zeroed *p of type from seed. Returns Good or BadOutOfMemory;
 *  the value is always valid to ua_clear. */
ua_status ua_fill(void *p, const ua_type *type, uint32_t seed);

/** Number of descriptors reachable by index: 25 built-ins, then the table. */
size_t ua_all_types_count(void);
const ua_type *ua_all_types_at(size_t i);

#endif
