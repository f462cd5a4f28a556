/* DataTypeDictionaries (ua_typedict.c, ua_typedict_def.c, ua_xml.c): the
 * XML subset and its bounds, translation of StructuredTypes into
 * StructureDefinitions (LengthField arrays, bit-switched optional fields,
 * unions, tns:/ua:/opc: types), the constructs that must be refused, and
 * a body decoded with types built from a translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua_binary.h"
#include "util/bbuf.h"
#include "ua_dyntype.h"
#include "ua_statuscodes.h"
#include "ua_typedict.h"

#define HEAD                                                                                       \
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                                 \
    "<opc:TypeDictionary xmlns:opc=\"http://opcfoundation.org/BinarySchema/\" "                    \
    "xmlns:ua=\"http://opcfoundation.org/UA/\" xmlns:tns=\"urn:test\" "                            \
    "TargetNamespace=\"urn:test\">\n"
#define TAIL "</opc:TypeDictionary>\n"

static const char *const LEGACY =
    HEAD "<opc:Import Namespace=\"http://opcfoundation.org/UA/\"/>\n"
         "<!-- a comment -->\n"
         "<opc:EnumeratedType Name=\"Mode\" LengthInBits=\"32\">"
         "<opc:EnumeratedValue Name=\"Off\" Value=\"0\"/></opc:EnumeratedType>\n"
         "<opc:StructuredType Name=\"Inner\" BaseType=\"ua:ExtensionObject\">"
         "<opc:Documentation>x &lt; y <![CDATA[ <not/> ]]></opc:Documentation>"
         "<opc:Field Name=\"Code\" TypeName=\"opc:Int32\"/>"
         "<opc:Field Name=\"Tag\" TypeName=\"opc:CharArray\"/></opc:StructuredType>\n"
         "<opc:StructuredType Name=\"Outer\" BaseType=\"ua:ExtensionObject\">"
         "<opc:Field Name=\"ExtraSpecified\" TypeName=\"opc:Bit\"/>"
         "<opc:Field Name=\"Reserved1\" TypeName=\"opc:Bit\" Length=\"31\"/>"
         "<opc:Field Name=\"Id\" TypeName=\"opc:UInt32\"/>"
         "<opc:Field Name=\"Name\" TypeName=\"opc:String\"/>"
         "<opc:Field Name=\"NoOfValues\" TypeName=\"opc:Int32\"/>"
         "<opc:Field Name=\"Values\" TypeName=\"opc:Double\" LengthField=\"NoOfValues\"/>"
         "<opc:Field Name=\"Inner\" TypeName=\"tns:Inner\"/>"
         "<opc:Field Name=\"Mode\" TypeName=\"tns:Mode\"/>"
         "<opc:Field Name=\"Range\" TypeName=\"ua:Range\"/>"
         "<opc:Field Name=\"Extra\" TypeName=\"opc:Int16\" SwitchField=\"ExtraSpecified\"/>"
         "</opc:StructuredType>\n"
         "<opc:StructuredType Name=\"Choice\" BaseType=\"ua:Union\">"
         "<opc:Field Name=\"SwitchField\" TypeName=\"opc:UInt32\"/>"
         "<opc:Field Name=\"Number\" TypeName=\"opc:Int32\" SwitchField=\"SwitchField\" "
         "SwitchValue=\"1\"/>"
         "<opc:Field Name=\"NoOfTexts\" TypeName=\"opc:Int32\" SwitchField=\"SwitchField\" "
         "SwitchValue=\"2\"/>"
         "<opc:Field Name=\"Texts\" TypeName=\"opc:String\" LengthField=\"NoOfTexts\" "
         "SwitchField=\"SwitchField\" SwitchValue=\"2\" SwitchOperand=\"Equals\"/>"
         "</opc:StructuredType>\n" TAIL;

static ua_NodeId inner_id, outer_id, choice_id;

static const ua_NodeId *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "Inner") == 0)
        return &inner_id;
    if (strcmp(name, "Outer") == 0)
        return &outer_id;
    if (strcmp(name, "Choice") == 0)
        return &choice_id;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    inner_id = ua_nodeid_numeric(3, 6010);
    outer_id = ua_nodeid_numeric(3, 6020);
    choice_id = ua_nodeid_numeric(3, 6030);
    return 0;
}

static ua_typedict *parse_ok(const char *xml)
{
    ua_typedict *d = NULL;
    char err[256];
    ua_status st = ua_typedict_parse((const uint8_t *)xml, strlen(xml), &d, err, sizeof(err));
    if (st != UA_STATUS_GOOD)
        fail_msg("parse: %s: %s", ua_status_name(st), err);
    return d;
}

/* Parses xml, which must fail with want; err must mention what. */
static void parse_bad(const char *xml, size_t n, ua_status want, const char *what)
{
    ua_typedict *d = (ua_typedict *)1;
    char err[256];
    ua_status st = ua_typedict_parse((const uint8_t *)xml, n, &d, err, sizeof(err));
    assert_int_equal(st, want);
    assert_null(d);
    if (!strstr(err, what))
        fail_msg("error '%s' does not mention '%s'", err, what);
}

static void field_is(const ua_StructureField *f, const char *name, uint16_t ns, uint32_t type,
                     int32_t rank, bool optional)
{
    if (!ua_string_equal_cstr(&f->name, name))
        fail_msg("field %.*s, want %s", (int)f->name.length, (const char *)f->name.data, name);
    assert_int_equal(f->dataType.ns, ns);
    assert_int_equal(f->dataType.id.numeric, type);
    assert_int_equal(f->valueRank, rank);
    assert_int_equal(f->isOptional, optional);
}

static void test_typedict_parses_types(void **state)
{
    (void)state;
    ua_typedict *d = parse_ok(LEGACY);
    assert_string_equal(ua_typedict_target_namespace(d), "urn:test");
    assert_int_equal(ua_typedict_count(d), 4);
    assert_string_equal(ua_typedict_name(d, 0), "Mode");
    assert_false(ua_typedict_is_structure(d, 0));
    assert_string_equal(ua_typedict_name(d, 2), "Outer");
    assert_true(ua_typedict_is_structure(d, 2));
    assert_null(ua_typedict_name(d, 4));
    ua_typedict_delete(d);
}

static void test_typedict_translates_optional_fields(void **state)
{
    (void)state;
    ua_typedict *d = parse_ok(LEGACY);
    ua_StructureDefinition def;
    char why[256];
    assert_int_equal(ua_typedict_definition(d, "Outer", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_GOOD);
    assert_int_equal(def.structureType, UA_STRUCTURETYPE_STRUCTUREWITHOPTIONALFIELDS);
    assert_int_equal(def.baseDataType.id.numeric, 22);
    assert_true(ua_nodeid_is_null(&def.defaultEncodingId));
    assert_int_equal(def.fieldsSize, 7);
    field_is(&def.fields[0], "Id", 0, 7, -1, false);
    field_is(&def.fields[1], "Name", 0, 12, -1, false);
    field_is(&def.fields[2], "Values", 0, 11, 1, false);
    field_is(&def.fields[3], "Inner", 3, 6010, -1, false);
    field_is(&def.fields[4], "Mode", 0, 6, -1, false);
    field_is(&def.fields[5], "Range", 0, 884, -1, false);
    field_is(&def.fields[6], "Extra", 0, 4, -1, true);
    ua_clear(&def, UA_TYPE_STRUCTUREDEFINITION);

    assert_int_equal(ua_typedict_definition(d, "Inner", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_GOOD);
    assert_int_equal(def.structureType, UA_STRUCTURETYPE_STRUCTURE);
    field_is(&def.fields[1], "Tag", 0, 12, -1, false);
    ua_clear(&def, UA_TYPE_STRUCTUREDEFINITION);
    ua_typedict_delete(d);
}

static void test_typedict_translates_union(void **state)
{
    (void)state;
    ua_typedict *d = parse_ok(LEGACY);
    ua_StructureDefinition def;
    char why[256];
    assert_int_equal(ua_typedict_definition(d, "Choice", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_GOOD);
    assert_int_equal(def.structureType, UA_STRUCTURETYPE_UNION);
    assert_int_equal(def.baseDataType.id.numeric, 12756);
    assert_int_equal(def.fieldsSize, 2);
    field_is(&def.fields[0], "Number", 0, 6, -1, false);
    field_is(&def.fields[1], "Texts", 0, 12, 1, false);
    ua_clear(&def, UA_TYPE_STRUCTUREDEFINITION);
    /* enumerations and unknown names are no structures */
    assert_int_equal(ua_typedict_definition(d, "Mode", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_BADNOTFOUND);
    assert_int_equal(ua_typedict_definition(d, "Nope", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_BADNOTFOUND);
    ua_typedict_delete(d);
}

static const ua_type *base(void *ctx, const ua_NodeId *id)
{
    (void)ctx;
    if (id->ns != 0 || id->id_type != UA_NODEID_NUMERIC)
        return NULL;
    return id->id.numeric <= 25 ? ua_builtin_type(id->id.numeric)
                                : ua_find_type_by_type_id(id->id.numeric);
}

/* The translations build types that decode what a 1.03 server sends. */
static void test_typedict_definitions_decode_a_body(void **state)
{
    (void)state;
    ua_typedict *d = parse_ok(LEGACY);
    ua_StructureDefinition defs[2];
    char why[256];
    assert_int_equal(ua_typedict_definition(d, "Inner", lookup, NULL, &defs[0], why, sizeof(why)),
                     UA_STATUS_GOOD);
    assert_int_equal(ua_typedict_definition(d, "Outer", lookup, NULL, &defs[1], why, sizeof(why)),
                     UA_STATUS_GOOD);
    ua_dyntype_input in[2] = {
        {inner_id, ua_string_borrow("Inner"), &defs[0], ua_nodeid_numeric(3, 6011)},
        {outer_id, ua_string_borrow("Outer"), &defs[1], ua_nodeid_numeric(3, 6021)}};
    ua_dyntypes *r = ua_dyntypes_build(in, 2, base, NULL);
    assert_non_null(r);
    assert_int_equal(ua_dyntypes_count(r), 2);
    const ua_type *t = ua_dyntypes_by_type_id(r, &outer_id);
    assert_non_null(t);
    assert_int_equal(t->kind, UA_KIND_OPTSTRUCT);
    static const uint8_t body[] = {
        1, 0, 0, 0,                                                 /* mask: Extra */
        9, 0, 0, 0,                                                 /* Id */
        2, 0, 0, 0, 'o', 'k',                                       /* Name */
        1, 0, 0, 0, 0,   0,   0, 0, 0,   0, 0xF8, 0x3F,             /* Values [1.5] */
        3, 0, 0, 0, 1,   0,   0, 0, 'x',                            /* Inner */
        1, 0, 0, 0,                                                 /* Mode */
        0, 0, 0, 0, 0,   0,   0, 0, 0,   0, 0,    0,    0, 0, 0, 0, /* Range */
        7, 0};                                                      /* Extra */
    uint8_t *v = calloc(1, t->mem_size);
    assert_non_null(v);
    size_t pos = 0;
    assert_int_equal(ua_decode(body, sizeof(body), &pos, v, t, NULL), UA_STATUS_GOOD);
    assert_int_equal(pos, sizeof(body));
    assert_int_equal(*(uint32_t *)(v + t->members[0].offset), 9);
    int16_t *extra = *(int16_t **)(v + t->members[6].offset);
    assert_non_null(extra);
    assert_int_equal(*extra, 7);
    bbuf out;
    bbuf_init(&out, 1024);
    assert_int_equal(ua_encode(v, t, &out), UA_STATUS_GOOD);
    assert_int_equal(out.len, sizeof(body));
    assert_memory_equal(out.data, body, sizeof(body));
    bbuf_clear(&out);
    ua_clear(v, t);
    free(v);
    ua_dyntypes_delete(r);
    ua_clear(&defs[0], UA_TYPE_STRUCTUREDEFINITION);
    ua_clear(&defs[1], UA_TYPE_STRUCTUREDEFINITION);
    ua_typedict_delete(d);
}

/* One StructuredType named T with the given fields must be refused. */
static void refused(const char *fields, ua_status want, const char *what)
{
    char xml[4096];
    snprintf(xml, sizeof(xml),
             HEAD "<opc:OpaqueType Name=\"Blob\"/>"
                  "<opc:EnumeratedType Name=\"Small\" LengthInBits=\"8\"/>"
                  "<opc:StructuredType Name=\"T\">%s</opc:StructuredType>" TAIL,
             fields);
    ua_typedict *d = parse_ok(xml);
    ua_StructureDefinition def;
    char why[256];
    ua_status st = ua_typedict_definition(d, "T", lookup, NULL, &def, why, sizeof(why));
    if (st != want || !strstr(why, what))
        fail_msg("%s: got %s '%s', want %s '%s'", fields, ua_status_name(st), why,
                 ua_status_name(want), what);
    assert_null(def.fields);
    ua_typedict_delete(d);
}

#define F(attrs) "<opc:Field " attrs "/>"

static void test_typedict_refuses_what_definitions_cannot_say(void **state)
{
    (void)state;
    const ua_status ns = UA_STATUS_BADNOTSUPPORTED, unk = UA_STATUS_BADDATATYPEIDUNKNOWN;
    refused(F("Name=\"A\" TypeName=\"opc:Int32\" Length=\"4\""), ns, "fixed-length");
    refused(F("Name=\"N\" TypeName=\"opc:Int32\"") F("Name=\"X\" TypeName=\"opc:Int32\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" LengthField=\"N\""),
            ns, "right before");
    refused(F("Name=\"N\" TypeName=\"opc:UInt16\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" LengthField=\"N\""),
            ns, "length field");
    refused(F("Name=\"B\" TypeName=\"opc:Bit\"") F("Name=\"A\" TypeName=\"opc:Int32\""), ns,
            "not 32");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\"") F("Name=\"B\" TypeName=\"opc:Bit\""), ns,
            "after data");
    refused(F("Name=\"B0\" TypeName=\"opc:Bit\"") F("Name=\"B1\" TypeName=\"opc:Bit\"")
                F("Name=\"R\" TypeName=\"opc:Bit\" Length=\"30\"")
                    F("Name=\"A\" TypeName=\"opc:Int32\" SwitchField=\"B1\""),
            ns, "bit 0");
    refused(F("Name=\"B0\" TypeName=\"opc:Bit\"") F("Name=\"R\" TypeName=\"opc:Bit\" Length=\"31\"")
                F("Name=\"A\" TypeName=\"opc:Int32\""),
            ns, "switch no field");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\" SwitchField=\"Z\""), ns, "switch");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\" Terminator=\"0\""), ns, "terminated");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\" IsLengthInBytes=\"true\""), ns, "bytes");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\" SwitchValue=\"x\""), ns, "SwitchValue");
    refused(F("TypeName=\"opc:Int32\""), ns, "without Name");
    refused(F("Name=\"S\" TypeName=\"opc:Int32\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" SwitchField=\"S\" SwitchValue=\"1\""),
            ns, "UInt32 switch");
    refused(F("Name=\"S\" TypeName=\"opc:UInt32\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" SwitchField=\"S\" SwitchValue=\"2\""),
            ns, "= 1");
    refused(F("Name=\"S\" TypeName=\"opc:UInt32\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" SwitchField=\"S\" SwitchValue=\"1\" "
                  "SwitchOperand=\"GreaterThan\""),
            ns, "SwitchOperand");
    refused(F("Name=\"S\" TypeName=\"opc:UInt32\"")
                F("Name=\"A\" TypeName=\"opc:Int32\" LengthField=\"S\" SwitchField=\"S\" "
                  "SwitchValue=\"1\""),
            ns, "right before");
    refused(F("Name=\"A\" TypeName=\"opc:WideString\""), unk, "unsupported type");
    refused(F("Name=\"A\" TypeName=\"ua:NoSuchType\""), unk, "unsupported type");
    refused(F("Name=\"A\" TypeName=\"x:Int32\""), unk, "undeclared prefix");
    refused(F("Name=\"A\" TypeName=\"tns:Missing\""), unk, "no DataType");
    refused(F("Name=\"A\" TypeName=\"tns:Blob\""), unk, "no DataType");
    refused(F("Name=\"A\" TypeName=\"tns:Small\""), ns, "8-bit enumeration");
    refused(F("Name=\"A\" TypeName=\"opc:Int32\"") "<opc:Field Name=\"B\" TypeName=\"ua:Int32\" "
                                                   "xmlns:o=\"urn:other\"/>" F(
                                                       "Name=\"C\" TypeName=\"o:Thing\""),
            unk, "undeclared prefix");
}

static void test_typedict_refuses_other_dictionaries(void **state)
{
    (void)state;
    const char *xml = "<TypeDictionary xmlns=\"http://opcfoundation.org/BinarySchema/\" "
                      "xmlns:o=\"urn:other\" TargetNamespace=\"urn:test\">"
                      "<StructuredType Name=\"T\"><Field Name=\"A\" TypeName=\"o:X\"/>"
                      "<Field Name=\"B\" TypeName=\"Int32\"/></StructuredType>"
                      "</TypeDictionary>";
    ua_typedict *d = parse_ok(xml);
    ua_StructureDefinition def;
    char why[256];
    assert_int_equal(ua_typedict_definition(d, "T", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_BADDATATYPEIDUNKNOWN);
    assert_non_null(strstr(why, "another dictionary"));
    ua_typedict_delete(d);
}

static void test_typedict_decodes_entities(void **state)
{
    (void)state;
    ua_typedict *d = parse_ok(HEAD "<opc:StructuredType Name='A&amp;B&#x43;&#68;&lt;&#233;'/>"
                                   "<opc:StructuredType Name=\"&quot;&apos;&gt;\"/>" TAIL);
    assert_string_equal(ua_typedict_name(d, 0), "A&BCD<\xC3\xA9");
    assert_string_equal(ua_typedict_name(d, 1), "\"'>");
    ua_typedict_delete(d);
}

static void test_typedict_rejects_malformed_xml(void **state)
{
    (void)state;
    const ua_status bad = UA_STATUS_BADDECODINGERROR;
    static const struct {
        const char *xml, *what;
    } cases[] = {
        {"", "empty"},
        {"   ", "no root"},
        {"<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
         "<opc:TypeDictionary>&b;</opc:TypeDictionary>",
         "DOCTYPE"},
        {HEAD, "unexpected end"},
        {HEAD "<opc:StructuredType Name=\"A\"></opc:Other>" TAIL, "does not match"},
        {HEAD "<opc:StructuredType Name=\"A\" Name=\"B\"/>" TAIL, "duplicate"},
        {HEAD "<opc:StructuredType Name=\"A&bogus;\"/>" TAIL, "entity"},
        {HEAD "<opc:StructuredType Name=\"&#0;\"/>" TAIL, "entity"},
        {HEAD "<opc:StructuredType Name=\"&#xD800;\"/>" TAIL, "entity"},
        {HEAD "<opc:StructuredType Name=\"&#x110000;\"/>" TAIL, "entity"},
        {HEAD "<opc:StructuredType Name=\"a<b\"/>" TAIL, "'<'"},
        {HEAD "<opc:StructuredType Name=A/>" TAIL, "quoted"},
        {HEAD "<opc:StructuredType Name=\"A\"Base=\"x\"/>" TAIL, "space expected"},
        {HEAD "<opc:StructuredType Name=\"A/>" TAIL, "'<'"},
        {HEAD "<opc:StructuredType/>" TAIL, "without a Name"},
        {"<opc:Other/>", "not a TypeDictionary"},
        {"text<opc:TypeDictionary/>", "text outside"},
        {"<opc:TypeDictionary/><opc:TypeDictionary/>", "after the root"},
        {"<opc:TypeDictionary/>trailing", "text outside"},
        {"<opc:TypeDictionary></opc:TypeDictionary></x>", "end tag without"},
        {"<opc:TypeDictionary><!-- open", "unterminated comment"},
        {"<opc:TypeDictionary><? pi", "unterminated processing"},
        {"<opc:TypeDictionary><![CDATA[ x", "unterminated CDATA"},
        {"<![CDATA[x]]><opc:TypeDictionary/>", "CDATA outside"},
        {"<1bad/>", "name expected"},
        {"<opc:TypeDictionary a", "'=' expected"},
        {"<opc:TypeDictionary a=\"x", "unterminated attribute"},
        {"<opc:TypeDictionary", "unterminated start tag"},
        {"<opc:TypeDictionary></opc:TypeDictionary", "'>' expected"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        parse_bad(cases[i].xml, strlen(cases[i].xml), bad, cases[i].what);
    static const char nul[] = "<opc:TypeDictionary>\0</opc:TypeDictionary>";
    parse_bad(nul, sizeof(nul) - 1, bad, "NUL");
}

/* Builds a document by repeating unit n times between head and tail. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *p = malloc(hl + ul * n + tl + 1);
    assert_non_null(p);
    memcpy(p, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(p + hl + i * ul, unit, ul);
    memcpy(p + hl + ul * n, tail, tl + 1);
    return p;
}

static void test_typedict_enforces_bounds(void **state)
{
    (void)state;
    /* nesting */
    char *deep = repeat("<opc:TypeDictionary>", "<a>", 40, "");
    parse_bad(deep, strlen(deep), UA_STATUS_BADDECODINGERROR, "nested too deeply");
    free(deep);
    /* attributes */
    char attrs[2048] = "<opc:TypeDictionary";
    for (int i = 0; i < 33; i++) {
        char a[32];
        snprintf(a, sizeof(a), " a%d=\"\"", i);
        memcpy(attrs + strlen(attrs), a, strlen(a) + 1);
    }
    memcpy(attrs + strlen(attrs), "/>", 3);
    parse_bad(attrs, strlen(attrs), UA_STATUS_BADDECODINGERROR, "too many attributes");
    /* value and name lengths */
    char *longv = repeat("<opc:TypeDictionary a=\"", "x", 5000, "\"/>");
    parse_bad(longv, strlen(longv), UA_STATUS_BADDECODINGERROR, "too long");
    free(longv);
    char *longn = repeat("<opc:TypeDictionary ", "x", 300, "=\"\"/>");
    parse_bad(longn, strlen(longn), UA_STATUS_BADDECODINGERROR, "too long");
    free(longn);
    /* types and fields */
    char *types = repeat(HEAD, "<opc:StructuredType Name=\"T\"/>", 4097, TAIL);
    parse_bad(types, strlen(types), UA_STATUS_BADENCODINGLIMITSEXCEEDED, "too many types");
    free(types);
    char *fields = repeat(HEAD "<opc:StructuredType Name=\"T\">",
                          "<opc:Field Name=\"A\" TypeName=\"opc:Int32\"/>", 65537,
                          "</opc:StructuredType>" TAIL);
    parse_bad(fields, strlen(fields), UA_STATUS_BADENCODINGLIMITSEXCEEDED, "too many fields");
    free(fields);
    /* the whole document */
    size_t big = UA_TYPEDICT_MAX_BYTES + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    parse_bad(huge, big, UA_STATUS_BADENCODINGLIMITSEXCEEDED, "too large");
    free(huge);
    /* a structure with more fields than a definition may have is refused later */
    char *wide =
        repeat(HEAD "<opc:StructuredType Name=\"T\">",
               "<opc:Field Name=\"A\" TypeName=\"opc:Int32\"/>", 300, "</opc:StructuredType>" TAIL);
    ua_typedict *d = parse_ok(wide);
    ua_StructureDefinition def;
    char why[64];
    assert_int_equal(ua_typedict_definition(d, "T", lookup, NULL, &def, why, sizeof(why)),
                     UA_STATUS_GOOD);
    assert_int_equal(def.fieldsSize, 300);
    ua_dyntype_input in = {outer_id, ua_string_borrow("T"), &def, ua_nodeid_numeric(3, 1)};
    ua_dyntypes *r = ua_dyntypes_build(&in, 1, base, NULL);
    assert_non_null(r);
    assert_int_equal(ua_dyntypes_count(r), 0);
    ua_dyntypes_delete(r);
    ua_clear(&def, UA_TYPE_STRUCTUREDEFINITION);
    ua_typedict_delete(d);
    free(wide);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typedict_parses_types),
        cmocka_unit_test(test_typedict_translates_optional_fields),
        cmocka_unit_test(test_typedict_translates_union),
        cmocka_unit_test(test_typedict_definitions_decode_a_body),
        cmocka_unit_test(test_typedict_refuses_what_definitions_cannot_say),
        cmocka_unit_test(test_typedict_refuses_other_dictionaries),
        cmocka_unit_test(test_typedict_decodes_entities),
        cmocka_unit_test(test_typedict_rejects_malformed_xml),
        cmocka_unit_test(test_typedict_enforces_bounds),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
