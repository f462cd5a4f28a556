#!/usr/bin/env python3
"""Generate the OPC UA C types of the project from the OPC Foundation schema.

Reads Opc.Ua.Types.bsd, NodeIds.csv, StatusCode.csv and AttributeIds.csv and
writes, into the output directory:
  ua_generated.h / ua_generated.c   structs, enums, descriptor table
  ua_statuscodes.h / ua_statuscodes.c  status code constants and names
  ua_nodeids.h                       namespace-0 node ids and attribute ids

Built-in types (Part 6 5.1.2) are hand-written in src/ua/types; this script
generates every other structure and enumeration of the schema. Python 3
standard library only; run by CMake at build time.
"""

import csv
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = {"opc": "http://opcfoundation.org/BinarySchema/"}

# Schema type name -> (builtin kind, C type).
BUILTINS = {
    "Boolean": (1, "ua_Boolean"),
    "SByte": (2, "ua_SByte"),
    "Byte": (3, "ua_Byte"),
    "Int16": (4, "ua_Int16"),
    "UInt16": (5, "ua_UInt16"),
    "Int32": (6, "ua_Int32"),
    "UInt32": (7, "ua_UInt32"),
    "Int64": (8, "ua_Int64"),
    "UInt64": (9, "ua_UInt64"),
    "Float": (10, "ua_Float"),
    "Double": (11, "ua_Double"),
    "String": (12, "ua_String"),
    "CharArray": (12, "ua_String"),
    "DateTime": (13, "ua_DateTime"),
    "Guid": (14, "ua_Guid"),
    "ByteString": (15, "ua_ByteString"),
    "XmlElement": (16, "ua_XmlElement"),
    "NodeId": (17, "ua_NodeId"),
    "ExpandedNodeId": (18, "ua_ExpandedNodeId"),
    "StatusCode": (19, "ua_StatusCode"),
    "QualifiedName": (20, "ua_QualifiedName"),
    "LocalizedText": (21, "ua_LocalizedText"),
    "ExtensionObject": (22, "ua_ExtensionObject"),
    "DataValue": (23, "ua_DataValue"),
    "Variant": (24, "ua_Variant"),
    "DiagnosticInfo": (25, "ua_DiagnosticInfo"),
}

# Structures of the schema's built-in section: encoded by hand-written code.
SKIP_STRUCTS = {
    "XmlElement", "TwoByteNodeId", "FourByteNodeId", "NumericNodeId",
    "StringNodeId", "GuidNodeId", "ByteStringNodeId", "NodeId",
    "ExpandedNodeId", "DiagnosticInfo", "QualifiedName", "LocalizedText",
    "DataValue", "ExtensionObject", "Variant",
}
SKIP_ENUMS = {"NodeIdType"}

C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while", "bool",
}


def lower_camel(name):
    out = name[0].lower() + name[1:]
    if out in C_KEYWORDS:
        out += "_"
    return out


def macro_name(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def read_nodeids(path):
    ids = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 3 or not row[1].strip().isdigit():
                continue
            ids[row[0].strip()] = (int(row[1]), row[2].strip())
    return ids


def read_status(path):
    codes = []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 2:
                continue
            codes.append((row[0].strip(), int(row[1], 16), row[2].strip() if len(row) > 2 else ""))
    return codes


def read_attributes(path):
    attrs = []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[1].strip().isdigit():
                attrs.append((row[0].strip(), int(row[1])))
    return attrs


class Struct:
    def __init__(self, name, base, fields):
        self.name = name
        self.base = base
        self.fields = fields  # list of (name, typename, is_array)


class Enum:
    def __init__(self, name, bits, option_set, values):
        self.name = name
        self.bits = bits
        self.option_set = option_set
        self.values = values


def parse_bsd(path):
    root = ET.parse(path).getroot()
    structs, enums = [], []
    for el in root:
        tag = el.tag.split("}")[1]
        name = el.get("Name")
        if tag == "EnumeratedType":
            if name in SKIP_ENUMS:
                continue
            vals = [(v.get("Name"), int(v.get("Value")))
                    for v in el.findall("opc:EnumeratedValue", NS)]
            enums.append(Enum(name, int(el.get("LengthInBits", "32")),
                              el.get("IsOptionSet") == "true", vals))
        elif tag == "StructuredType":
            if name in SKIP_STRUCTS:
                continue
            fields = []
            length_fields = set()
            raw = el.findall("opc:Field", NS)
            for f in raw:
                if f.get("LengthField"):
                    length_fields.add(f.get("LengthField"))
                if f.get("SwitchField") or f.get("TypeName") == "opc:Bit":
                    sys.exit("gen_types: %s uses optional fields or unions, "
                             "which standard structures do not" % name)
            for f in raw:
                fname = f.get("Name")
                if fname in length_fields:
                    continue
                tname = f.get("TypeName").split(":")[1]
                fields.append((fname, tname, f.get("LengthField") is not None))
            base = el.get("BaseType")
            structs.append(Struct(name, base.split(":")[1] if base else None, fields))
    return structs, enums


def topo_sort(structs):
    by_name = {s.name: s for s in structs}
    done, order = set(), []

    def visit(s, stack):
        if s.name in done:
            return
        if s.name in stack:
            sys.exit("gen_types: structures embed each other: " + s.name)
        stack.add(s.name)
        for _, t, is_array in s.fields:
            if not is_array and t in by_name:
                visit(by_name[t], stack)
        stack.discard(s.name)
        done.add(s.name)
        order.append(s)

    for s in structs:
        visit(s, set())
    return order


def enum_ctype(e):
    if not e.option_set:
        return "ua_Int32", 26
    return {8: ("ua_Byte", 3), 16: ("ua_UInt16", 5), 32: ("ua_UInt32", 7),
            64: ("ua_UInt64", 9)}[e.bits]


def generate(schema_dir, out_dir):
    structs, enums = parse_bsd(os.path.join(schema_dir, "Opc.Ua.Types.bsd"))
    nodeids = read_nodeids(os.path.join(schema_dir, "NodeIds.csv"))
    statuses = read_status(os.path.join(schema_dir, "StatusCode.csv"))
    attrs = read_attributes(os.path.join(schema_dir, "AttributeIds.csv"))
    structs = topo_sort(structs)
    enum_by_name = {e.name: e for e in enums}
    struct_names = {s.name for s in structs}

    # Table order: enums first, then structures, in schema/topological order.
    table = [("enum", e) for e in enums] + [("struct", s) for s in structs]
    index = {obj.name: i for i, (_, obj) in enumerate(table)}

    def ctype_of(t):
        if t in BUILTINS:
            return BUILTINS[t][1]
        if t in enum_by_name or t in struct_names:
            return "ua_" + t
        sys.exit("gen_types: unknown field type " + t)

    def desc_of(t):
        if t in BUILTINS:
            return "UA_BUILTIN(%d)" % BUILTINS[t][0]
        return "&ua_types_table[%d]" % index[t]

    h, c = [], []
    h.append("/* Generated by tools/gen_types.py from Opc.Ua.Types.bsd; do not edit. */")
    h.append("#ifndef UA_GENERATED_H\n#define UA_GENERATED_H\n")
    h.append("/* Included from ua_types.h. */\n")
    h.append("#define UA_TYPES_COUNT %d\n" % len(table))
    h.append("extern const ua_type ua_types_table[UA_TYPES_COUNT];\n")
    for i, (_, obj) in enumerate(table):
        h.append("#define UA_TYPE_%s (&ua_types_table[%d])" % (macro_name(obj.name), i))
    h.append("")

    for e in enums:
        ct, _ = enum_ctype(e)
        h.append("typedef %s ua_%s;" % (ct, e.name))
        if not e.values:
            h.append("")
            continue
        h.append("enum {")
        for vn, vv in e.values:
            h.append("    UA_%s_%s = %d%s," % (macro_name(e.name), macro_name(vn), vv,
                                               "u" if e.option_set else ""))
        h.append("};\n")

    for s in structs:
        h.append("typedef struct ua_%s ua_%s;" % (s.name, s.name))
    h.append("")
    for s in structs:
        h.append("struct ua_%s {" % s.name)
        if not s.fields:
            h.append("    uint8_t reserved_; /* abstract: no fields on the wire */")
        for fname, t, is_array in s.fields:
            cn = lower_camel(fname)
            if is_array:
                h.append("    size_t %sSize;" % cn)
                h.append("    %s *%s;" % (ctype_of(t), cn))
            else:
                h.append("    %s %s;" % (ctype_of(t), cn))
        h.append("};\n")

    h.append("/** Returns the namespace-0 type whose binary encoding id is id, or NULL. */")
    h.append("const ua_type *ua_find_type_by_encoding_id(uint32_t id);")
    h.append("/** Returns the namespace-0 type whose DataType id is id, or NULL. */")
    h.append("const ua_type *ua_find_type_by_type_id(uint32_t id);")
    h.append("\n#endif")

    c.append("/* Generated by tools/gen_types.py from Opc.Ua.Types.bsd; do not edit. */")
    c.append("#include <stddef.h>\n#include <stdlib.h>\n#include \"ua_types.h\"\n")
    for s in structs:
        if not s.fields:
            continue
        c.append("static const ua_member members_%s[%d] = {" % (s.name, len(s.fields)))
        for fname, t, is_array in s.fields:
            cn = lower_camel(fname)
            off = "offsetof(ua_%s, %s)" % (s.name, cn + "Size" if is_array else cn)
            c.append("    {\"%s\", %s, %s, %s, false}," % (cn, desc_of(t), off,
                                                          "true" if is_array else "false"))
        c.append("};")
        for fname, t, is_array in s.fields:
            if is_array:
                cn = lower_camel(fname)
                c.append("_Static_assert(offsetof(ua_%s, %s) == offsetof(ua_%s, %sSize) + "
                         "sizeof(size_t), \"array layout\");" % (s.name, cn, s.name, cn))
    c.append("")

    def nid(n):
        return "{0, UA_NODEID_NUMERIC, {.numeric = %d}}" % n

    pointer_free = {}

    def is_pointer_free(t):
        if t in BUILTINS:
            return BUILTINS[t][0] in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 19)
        if t in enum_by_name:
            return True
        return pointer_free[t]

    for s in structs:
        pointer_free[s.name] = all(not a and is_pointer_free(t) for _, t, a in s.fields)

    enc_ids, type_ids = [], []
    c.append("const ua_type ua_types_table[UA_TYPES_COUNT] = {")
    for i, (kind, obj) in enumerate(table):
        tid = nodeids.get(obj.name, (0, ""))[0]
        enc = nodeids.get(obj.name + "_Encoding_DefaultBinary", (0, ""))[0]
        if tid:
            type_ids.append((tid, i))
        if kind == "enum":
            ct, k = enum_ctype(obj)
            c.append("    {\"%s\", %s, %s, sizeof(%s), %d, true, 0, NULL}," %
                     (obj.name, nid(tid), nid(0), ct, k))
        else:
            if enc:
                enc_ids.append((enc, i))
            members = "members_" + obj.name if obj.fields else "NULL"
            c.append("    {\"%s\", %s, %s, sizeof(ua_%s), UA_KIND_STRUCTURE, %s, %d, %s}," %
                     (obj.name, nid(tid), nid(enc), obj.name,
                      "true" if pointer_free[obj.name] else "false", len(obj.fields), members))
    c.append("};\n")

    c.append("typedef struct { uint32_t id; uint16_t index; } id_entry;\n")
    for label, ids in (("encoding", enc_ids), ("type", type_ids)):
        ids.sort()
        c.append("static const id_entry by_%s[%d] = {" %
                 (label, len(ids)))
        for n, i in ids:
            c.append("    {%d, %d}," % (n, i))
        c.append("};\n")
    c.append("""static int cmp_id(const void *key, const void *elem)
{
    uint32_t k = *(const uint32_t *)key;
    uint32_t e = *(const uint32_t *)elem;
    return k < e ? -1 : k > e;
}

const ua_type *ua_find_type_by_encoding_id(uint32_t id)
{
    const id_entry *hit = bsearch(&id, by_encoding, sizeof(by_encoding) / sizeof(by_encoding[0]),
                                  sizeof(by_encoding[0]), cmp_id);
    return hit ? &ua_types_table[hit->index] : NULL;
}

const ua_type *ua_find_type_by_type_id(uint32_t id)
{
    const id_entry *hit = bsearch(&id, by_type, sizeof(by_type) / sizeof(by_type[0]),
                                  sizeof(by_type[0]), cmp_id);
    return hit ? &ua_types_table[hit->index] : NULL;
}""")

    # Status codes.
    sh = ["/* Generated by tools/gen_types.py from StatusCode.csv; do not edit. */",
          "#ifndef UA_STATUSCODES_H\n#define UA_STATUSCODES_H\n",
          "#include <stdint.h>\n"]
    for name, code, _ in statuses:
        sh.append("#define UA_STATUS_%s 0x%08Xu" % (macro_name(name), code))
    sh.append("\n#define UA_STATUS_IS_BAD(s) (((s) & 0x80000000u) != 0)")
    sh.append("#define UA_STATUS_IS_UNCERTAIN(s) (((s) & 0xC0000000u) == 0x40000000u)")
    sh.append("#define UA_STATUS_IS_GOOD(s) (((s) & 0xC0000000u) == 0)\n")
    sh.append("/** Returns the symbolic name (\"BadTimeout\") of a status code, ignoring")
    sh.append(" *  the info bits; NULL when the code is not a standard one. */")
    sh.append("const char *ua_status_name_or_null(uint32_t code);")
    sh.append("/** Returns the name, or \"0x%08X\"-style text in a static per-thread buffer. */")
    sh.append("const char *ua_status_name(uint32_t code);")
    sh.append("/** Returns the specification's one-line description, or \"\". */")
    sh.append("const char *ua_status_description(uint32_t code);")
    sh.append("\n#endif")
    sc = ["/* Generated by tools/gen_types.py from StatusCode.csv; do not edit. */",
          "#include <stdio.h>\n#include <stdlib.h>\n#include \"ua_statuscodes.h\"\n",
          "static const struct { uint32_t code; const char *name; const char *text; } codes[%d] = {"
          % len(statuses)]
    for name, code, text in sorted(statuses, key=lambda x: x[1]):
        sc.append("    {0x%08Xu, \"%s\", \"%s\"}," % (code, name, text.replace("\\", "\\\\").replace('"', '\\"')))
    sc.append("};\n")
    sc.append("""static int cmp_code(const void *key, const void *elem)
{
    uint32_t k = *(const uint32_t *)key;
    uint32_t e = *(const uint32_t *)elem;
    return k < e ? -1 : k > e;
}

static int find(uint32_t code)
{
    uint32_t key = code & 0xFFFF0000u;
    const char *hit = bsearch(&key, codes, sizeof(codes) / sizeof(codes[0]), sizeof(codes[0]),
                              cmp_code);
    return hit ? (int)((hit - (const char *)codes) / sizeof(codes[0])) : -1;
}

const char *ua_status_name_or_null(uint32_t code)
{
    int i = find(code);
    return i < 0 ? NULL : codes[i].name;
}

const char *ua_status_name(uint32_t code)
{
    static _Thread_local char buf[16];
    int i = find(code);
    if (i >= 0)
        return codes[i].name;
    snprintf(buf, sizeof(buf), "0x%08X", (unsigned)code);
    return buf;
}

const char *ua_status_description(uint32_t code)
{
    int i = find(code);
    return i < 0 ? "" : codes[i].text;
}""")

    nh = ["/* Generated by tools/gen_types.py from NodeIds.csv and AttributeIds.csv; do not edit. */",
          "#ifndef UA_NODEIDS_H\n#define UA_NODEIDS_H\n"]
    for name, (num, _) in nodeids.items():
        nh.append("#define UA_NS0_%s %du" % (macro_name(name), num))
    nh.append("")
    for name, num in attrs:
        nh.append("#define UA_ATTRIBUTEID_%s %du" % (macro_name(name), num))
    nh.append("\n#endif")

    os.makedirs(out_dir, exist_ok=True)
    for fname, lines in (("ua_generated.h", h), ("ua_generated.c", c),
                         ("ua_statuscodes.h", sh), ("ua_statuscodes.c", sc),
                         ("ua_nodeids.h", nh)):
        path = os.path.join(out_dir, fname)
        text = "\n".join(lines) + "\n"
        old = None
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
        if old != text:
            with open(path, "w") as f:
                f.write(text)
    print("gen_types: %d enumerations, %d structures, %d status codes" %
          (len(enums), len(structs), len(statuses)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_types.py SCHEMA_DIR OUT_DIR")
    generate(sys.argv[1], sys.argv[2])
