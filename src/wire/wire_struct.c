/* JSON -> any described value, for the structures a server defines at run
 * time (discoverDataTypes): the inverse of wire_from_value, so that what a
 * read returns in "value" can be written back. Optional fields and unions
 * follow Part 6 (1.05) 5.2.7 / 5.2.8 in the shape wire_value.c emits. The
 * types come from the caller (wire_error.lookup); nothing here knows about
 * sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_int.h"

static bool struct_like(const ua_type *t)
{
    return t->kind == UA_KIND_STRUCTURE || t->kind == UA_KIND_OPTSTRUCT || t->kind == UA_KIND_UNION;
}

static const ua_member *member_named(const ua_type *t, const char *name)
{
    for (uint16_t i = 0; i < t->members_size; i++)
        if (strcmp(t->members[i].name, name) == 0)
            return &t->members[i];
    return NULL;
}

static int array_member(const json_t *j, const ua_member *m, uint8_t *base, wire_error *err,
                        int depth)
{
    size_t *n = (size_t *)(void *)(base + m->offset);
    void **arr = (void **)(void *)(n + 1);
    if (!json_is_array(j))
        return wire_fail_expected(err, j, "an array");
    size_t len = json_array_size(j);
    uint8_t *p = ua_array_new(len, m->type);
    if (!p)
        return wire_fail_oom(err);
    *arr = p;
    *n = len;
    char path[WIRE_PATH_MAX];
    for (size_t i = 0; i < len; i++) {
        const char *old = wire_scope_index(err, path, i);
        int rc = wire_to_value_depth(json_array_get(j, i), m->type, p + i * m->type->mem_size, err,
                                     depth + 1);
        wire_scope_pop(err, old);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* One member from j (present, may be JSON null). */
static int member_value(const json_t *j, const ua_member *m, const ua_type *owner, uint8_t *base,
                        wire_error *err, int depth)
{
    bool optional = m->is_optional && owner->kind == UA_KIND_OPTSTRUCT;
    if (optional && json_is_null(j))
        return 0; /* absent */
    if (m->is_array)
        return json_is_null(j) ? 0 : array_member(j, m, base, err, depth);
    if (!optional)
        return wire_to_value_depth(j, m->type, base + m->offset, err, depth + 1);
    void *p = ua_new(m->type);
    if (!p)
        return wire_fail_oom(err);
    *(void **)(void *)(base + m->offset) = p;
    return wire_to_value_depth(j, m->type, p, err, depth + 1);
}

static int union_value(const json_t *j, const ua_type *t, uint8_t *base, wire_error *err, int depth)
{
    const json_t *sw = json_object_get(j, "_switchField");
    int64_t n = 0;
    const ua_member *arm = NULL;
    if (sw && !json_is_null(sw)) {
        if (!wire_json_int64(sw, &n) || n < 0 || n > t->members_size)
            return wire_fail_expected(err, sw, "a union switch field (0 = none, 1..arms)");
        arm = n ? &t->members[n - 1] : NULL;
    } else {
        for (uint16_t i = 0; i < t->members_size; i++) {
            if (!json_object_get(j, t->members[i].name))
                continue;
            if (arm)
                return wire_fail(err, WIRE_TYPE_ERROR,
                                 "a union %s takes one of its fields, got two (%s, %s)", t->name,
                                 arm->name, t->members[i].name);
            arm = &t->members[i];
            n = i + 1;
        }
    }
    *(uint32_t *)(void *)base = (uint32_t)n;
    if (!arm)
        return 0;
    const json_t *v = json_object_get(j, arm->name);
    if (!v)
        return 0; /* the arm's zero value */
    char path[WIRE_PATH_MAX];
    const char *old = wire_scope_field(err, path, arm->name);
    int rc = member_value(v, arm, t, base, err, depth);
    wire_scope_pop(err, old);
    return rc;
}

static int struct_value(const json_t *j, const ua_type *t, uint8_t *base, wire_error *err,
                        int depth)
{
    char what[WIRE_ERROR_MESSAGE_MAX / 2];
    snprintf(what, sizeof(what), "a %s object keyed by field name", t->name);
    /* What a read returned for a structure-valued field may come back in
     * its ExtensionObject form: take its "value". */
    const json_t *inner = json_object_get(j, "value");
    if (json_is_object(j) && json_object_get(j, "typeId") && json_is_object(inner) &&
        !member_named(t, "typeId"))
        j = inner;
    if (!json_is_object(j))
        return wire_fail_expected(err, j, what);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)j, key, v)
    {
        if (!member_named(t, key) && !(t->kind == UA_KIND_UNION && !strcmp(key, "_switchField")))
            return wire_fail(err, WIRE_TYPE_ERROR, "%s has no field \"%.60s\"", t->name, key);
    }
    if (t->kind == UA_KIND_UNION)
        return union_value(j, t, base, err, depth);
    for (uint16_t i = 0; i < t->members_size; i++) {
        const ua_member *m = &t->members[i];
        v = json_object_get(j, m->name);
        if (!v)
            continue; /* zero value, or absent when optional */
        char path[WIRE_PATH_MAX];
        const char *old = wire_scope_field(err, path, m->name);
        int rc = member_value(v, m, t, base, err, depth);
        wire_scope_pop(err, old);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int wire_to_value_depth(const json_t *j, const ua_type *type, void *dst, wire_error *err, int depth)
{
    memset(dst, 0, type->mem_size);
    if (depth > WIRE_MAX_DEPTH)
        return wire_fail(err, WIRE_INVALID_ARGUMENT, "nesting deeper than %d", WIRE_MAX_DEPTH);
    int rc;
    if (struct_like(type))
        rc = struct_value(j, type, dst, err, depth);
    else if (type->kind == UA_KIND_ENUM)
        rc = wire_coerce_element(j, UA_BUILTIN(UA_KIND_INT32), dst, err, depth);
    else if (type->kind >= UA_KIND_BOOLEAN && type->kind <= UA_KIND_DIAGNOSTICINFO)
        rc = wire_coerce_element(j, type, dst, err, depth);
    else
        rc = wire_fail(err, WIRE_INVALID_ARGUMENT, "cannot convert to %s", type->name);
    if (rc != 0)
        ua_clear(dst, type);
    return rc;
}

int wire_to_value(const json_t *j, const ua_type *type, void *dst, wire_error *err)
{
    return wire_to_value_depth(j, type, dst, err, 0);
}
