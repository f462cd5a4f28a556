/* Expected "data" of the reference daemon's replies, copied from
 * shared/spec/golden/0[3-8]-*.ndjson (response line N of a file is GNN_N,
 * counting request/response pairs from 0), with PHP's \/ written as /
 * (slash escaping is the IPC writer's business, not the wire layer's). */
#ifndef WIRE_GOLDEN_DATA_H
#define WIRE_GOLDEN_DATA_H

static const char G03_0[] =
    "{\"value\":0,\"type\":6,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-"
    "11-22T23:55:49+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_2[] =
    "{\"value\":\"2026-11-22T23:58:05+00:00\",\"type\":13,\"dimensions\":null,\"statusCode\":"
    "0,\"sourceTimestamp\":\"2026-11-22T23:58:05+00:00\",\"serverTimestamp\":\"2026-11-22T23:"
    "58:05+00:00\"}";
static const char G03_3[] =
    "{\"value\":\"php-anchor-peer\",\"type\":12,\"dimensions\":null,\"statusCode\":0,\"source"
    "Timestamp\":\"2026-11-22T23:55:49+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:0"
    "0\"}";
static const char G03_4[] =
    "{\"value\":{\"typeId\":{\"ns\":0,\"id\":864,\"type\":\"numeric\"},\"encoding\":1,\"body\""
    ":\"AI2w/tx63QFQrehQ3XrdAQAAAAAQAAAATm9kZU9QQ1VBLVNlcnZlcgYAAABhbmNob3IPAAAAcGhwLWFuY2hvc"
    "i1wZWVyBQAAADEuMC4wAQAAADAAQNOLktjVAQAAAAAA\",\"value\":null},\"type\":22,\"dimensions\""
    ":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:58:05+00:00\",\"serverTimesta"
    "mp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_5[] =
    "{\"value\":1343,\"type\":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"20"
    "26-11-22T23:58:05+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_7[] =
    "{\"value\":42.25,\"type\":11,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\""
    "2026-11-22T23:57:18+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_8[] =
    "{\"value\":\"auto-detected type\",\"type\":12,\"dimensions\":null,\"statusCode\":0,\"sou"
    "rceTimestamp\":\"2026-11-22T23:57:18+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+0"
    "0:00\"}";
static const char G03_9[] =
    "{\"value\":false,\"type\":1,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2"
    "026-11-22T23:57:18+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_10[] =
    "{\"value\":[7,8,9],\"type\":6,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\""
    "2026-11-22T23:57:18+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_11[] =
    "{\"value\":{\"locale\":null,\"text\":\"Counter\"},\"type\":21,\"dimensions\":null,\"stat"
    "usCode\":0,\"sourceTimestamp\":null,\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_12[] =
    "{\"value\":{\"ns\":1,\"name\":\"Counter\"},\"type\":20,\"dimensions\":null,\"statusCode\""
    ":0,\"sourceTimestamp\":null,\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_13[] =
    "{\"value\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"},\"type\":17,\"dimensions\":"
    "null,\"statusCode\":0,\"sourceTimestamp\":null,\"serverTimestamp\":\"2026-11-22T23:58:05"
    "+00:00\"}";
static const char G03_14[] =
    "{\"value\":{\"ns\":0,\"id\":7,\"type\":\"numeric\"},\"type\":17,\"dimensions\":null,\"st"
    "atusCode\":0,\"sourceTimestamp\":null,\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G03_15[] =
    "{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":2150891520,\"sourceTime"
    "stamp\":null,\"serverTimestamp\":null}";
static const char G03_16[] =
    "{\"value\":null,\"type\":null,\"dimensions\":null,\"statusCode\":2150957056,\"sourceTime"
    "stamp\":null,\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}";
static const char G04_0[] =
    "[{\"value\":0,\"type\":6,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026"
    "-11-22T23:55:49+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"},{\"value\":13"
    "43,\"type\":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:5"
    "8:05+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"},{\"value\":\"auto-detect"
    "ed type\",\"type\":12,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11"
    "-22T23:57:18+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"},{\"value\":null,"
    "\"type\":null,\"dimensions\":null,\"statusCode\":2150891520,\"sourceTimestamp\":null,\"s"
    "erverTimestamp\":null}]";
static const char G05_6[] = "[0,0]";
static const char G06_0[] =
    "[{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nod"
    "eId\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\""
    ":\"Counter\"},\"displayName\":{\"locale\":null,\"text\":\"Counter\"},\"nodeClass\":2,\"t"
    "ypeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":"
    "0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Tempe"
    "rature\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Temperature\"},\"displ"
    "ayName\":{\"locale\":null,\"text\":\"Temperature\"},\"nodeClass\":2,\"typeDefinition\":{"
    "\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"typ"
    "e\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Message\",\"type\":\"s"
    "tring\"},\"browseName\":{\"ns\":1,\"name\":\"Message\"},\"displayName\":{\"locale\":null"
    ",\"text\":\"Message\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\""
    "numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\""
    ":true,\"nodeId\":{\"ns\":1,\"id\":\"Flag\",\"type\":\"string\"},\"browseName\":{\"ns\":1"
    ",\"name\":\"Flag\"},\"displayName\":{\"locale\":null,\"text\":\"Flag\"},\"nodeClass\":2,"
    "\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns"
    "\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"In"
    "t32Array\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Int32Array\"},\"disp"
    "layName\":{\"locale\":null,\"text\":\"Int32Array\"},\"nodeClass\":2,\"typeDefinition\":{"
    "\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"typ"
    "e\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Add\",\"type\":\"strin"
    "g\"},\"browseName\":{\"ns\":1,\"name\":\"Add\"},\"displayName\":{\"locale\":null,\"text\""
    ":\"Add\"},\"nodeClass\":4,\"typeDefinition\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}},{"
    "\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeI"
    "d\":{\"ns\":1,\"id\":\"Echo\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"E"
    "cho\"},\"displayName\":{\"locale\":null,\"text\":\"Echo\"},\"nodeClass\":4,\"typeDefinit"
    "ion\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}}]";
static const char G06_1[] =
    "[{\"referenceTypeId\":{\"ns\":0,\"id\":35,\"type\":\"numeric\"},\"isForward\":true,\"nod"
    "eId\":{\"ns\":0,\"id\":31915,\"type\":\"numeric\"},\"browseName\":{\"ns\":0,\"name\":\"L"
    "ocations\"},\"displayName\":{\"locale\":null,\"text\":\"Locations\"},\"nodeClass\":1,\"t"
    "ypeDefinition\":{\"ns\":0,\"id\":61,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":"
    "0,\"id\":35,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":0,\"id\":2253,\""
    "type\":\"numeric\"},\"browseName\":{\"ns\":0,\"name\":\"Server\"},\"displayName\":{\"loc"
    "ale\":null,\"text\":\"Server\"},\"nodeClass\":1,\"typeDefinition\":{\"ns\":0,\"id\":2004"
    ",\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":35,\"type\":\"numeric\"},\""
    "isForward\":true,\"nodeId\":{\"ns\":0,\"id\":23470,\"type\":\"numeric\"},\"browseName\":"
    "{\"ns\":0,\"name\":\"Aliases\"},\"displayName\":{\"locale\":null,\"text\":\"Aliases\"},\""
    "nodeClass\":1,\"typeDefinition\":{\"ns\":0,\"id\":23456,\"type\":\"numeric\"}},{\"refere"
    "nceTypeId\":{\"ns\":0,\"id\":35,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"n"
    "s\":1,\"id\":\"Anchor\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Anchor\""
    "},\"displayName\":{\"locale\":null,\"text\":\"Anchor\"},\"nodeClass\":1,\"typeDefinition"
    "\":{\"ns\":0,\"id\":58,\"type\":\"numeric\"}}]";
static const char G06_2[] =
    "[{\"referenceTypeId\":{\"ns\":0,\"id\":35,\"type\":\"numeric\"},\"isForward\":false,\"no"
    "deId\":{\"ns\":0,\"id\":85,\"type\":\"numeric\"},\"browseName\":{\"ns\":0,\"name\":\"Obj"
    "ects\"},\"displayName\":{\"locale\":null,\"text\":\"Objects\"},\"nodeClass\":1,\"typeDef"
    "inition\":{\"ns\":0,\"id\":61,\"type\":\"numeric\"}}]";
static const char G06_4[] =
    "{\"references\":[{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForw"
    "ard\":true,\"nodeId\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"},\"browseName\":{"
    "\"ns\":1,\"name\":\"Counter\"},\"displayName\":{\"locale\":null,\"text\":\"Counter\"},\""
    "nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"reference"
    "TypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\""
    ":1,\"id\":\"Temperature\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Tempe"
    "rature\"},\"displayName\":{\"locale\":null,\"text\":\"Temperature\"},\"nodeClass\":2,\"t"
    "ypeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":"
    "0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Messa"
    "ge\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Message\"},\"displayName\""
    ":{\"locale\":null,\"text\":\"Message\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"i"
    "d\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeri"
    "c\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Flag\",\"type\":\"string\"},\"brow"
    "seName\":{\"ns\":1,\"name\":\"Flag\"},\"displayName\":{\"locale\":null,\"text\":\"Flag\""
    "},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"refer"
    "enceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\""
    "ns\":1,\"id\":\"Int32Array\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"In"
    "t32Array\"},\"displayName\":{\"locale\":null,\"text\":\"Int32Array\"},\"nodeClass\":2,\""
    "typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},{\"referenceTypeId\":{\"ns\""
    ":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Add\""
    ",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Add\"},\"displayName\":{\"loca"
    "le\":null,\"text\":\"Add\"},\"nodeClass\":4,\"typeDefinition\":{\"ns\":0,\"id\":0,\"type"
    "\":\"numeric\"}},{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForw"
    "ard\":true,\"nodeId\":{\"ns\":1,\"id\":\"Echo\",\"type\":\"string\"},\"browseName\":{\"n"
    "s\":1,\"name\":\"Echo\"},\"displayName\":{\"locale\":null,\"text\":\"Echo\"},\"nodeClass"
    "\":4,\"typeDefinition\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}}],\"continuationPoint\""
    ":null}";
static const char G06_5[] =
    "[{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForwa"
    "rd\":true,\"nodeId\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"},\"browseName\":{\""
    "ns\":1,\"name\":\"Counter\"},\"displayName\":{\"locale\":null,\"text\":\"Counter\"},\"no"
    "deClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},\"children\":["
    "]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isFor"
    "ward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Temperature\",\"type\":\"string\"},\"browseNam"
    "e\":{\"ns\":1,\"name\":\"Temperature\"},\"displayName\":{\"locale\":null,\"text\":\"Temp"
    "erature\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}}"
    ",\"children\":[]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"num"
    "eric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Message\",\"type\":\"string\"},"
    "\"browseName\":{\"ns\":1,\"name\":\"Message\"},\"displayName\":{\"locale\":null,\"text\""
    ":\"Message\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\""
    "}},\"children\":[]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"n"
    "umeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Flag\",\"type\":\"string\"},\""
    "browseName\":{\"ns\":1,\"name\":\"Flag\"},\"displayName\":{\"locale\":null,\"text\":\"Fl"
    "ag\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numeric\"}},\"ch"
    "ildren\":[]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\""
    "},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Int32Array\",\"type\":\"string\"},\"b"
    "rowseName\":{\"ns\":1,\"name\":\"Int32Array\"},\"displayName\":{\"locale\":null,\"text\""
    ":\"Int32Array\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":63,\"type\":\"numer"
    "ic\"}},\"children\":[]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":47,\"type\""
    ":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Add\",\"type\":\"string\""
    "},\"browseName\":{\"ns\":1,\"name\":\"Add\"},\"displayName\":{\"locale\":null,\"text\":\""
    "Add\"},\"nodeClass\":4,\"typeDefinition\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}},\"ch"
    "ildren\":[{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":46,\"type\":\"numeric\"},"
    "\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Add-InputArguments\",\"type\":\"string\""
    "},\"browseName\":{\"ns\":0,\"name\":\"InputArguments\"},\"displayName\":{\"locale\":null"
    ",\"text\":\"InputArguments\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":68,\"t"
    "ype\":\"numeric\"}},\"children\":[]},{\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\""
    ":46,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1,\"id\":\"Add-OutputArg"
    "uments\",\"type\":\"string\"},\"browseName\":{\"ns\":0,\"name\":\"OutputArguments\"},\"d"
    "isplayName\":{\"locale\":null,\"text\":\"OutputArguments\"},\"nodeClass\":2,\"typeDefini"
    "tion\":{\"ns\":0,\"id\":68,\"type\":\"numeric\"}},\"children\":[]}]},{\"reference\":{\"r"
    "eferenceTypeId\":{\"ns\":0,\"id\":47,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\""
    ":{\"ns\":1,\"id\":\"Echo\",\"type\":\"string\"},\"browseName\":{\"ns\":1,\"name\":\"Echo"
    "\"},\"displayName\":{\"locale\":null,\"text\":\"Echo\"},\"nodeClass\":4,\"typeDefinition"
    "\":{\"ns\":0,\"id\":0,\"type\":\"numeric\"}},\"children\":[{\"reference\":{\"referenceTy"
    "peId\":{\"ns\":0,\"id\":46,\"type\":\"numeric\"},\"isForward\":true,\"nodeId\":{\"ns\":1"
    ",\"id\":\"Echo-InputArguments\",\"type\":\"string\"},\"browseName\":{\"ns\":0,\"name\":\""
    "InputArguments\"},\"displayName\":{\"locale\":null,\"text\":\"InputArguments\"},\"nodeCl"
    "ass\":2,\"typeDefinition\":{\"ns\":0,\"id\":68,\"type\":\"numeric\"}},\"children\":[]},{"
    "\"reference\":{\"referenceTypeId\":{\"ns\":0,\"id\":46,\"type\":\"numeric\"},\"isForward"
    "\":true,\"nodeId\":{\"ns\":1,\"id\":\"Echo-OutputArguments\",\"type\":\"string\"},\"brow"
    "seName\":{\"ns\":0,\"name\":\"OutputArguments\"},\"displayName\":{\"locale\":null,\"text"
    "\":\"OutputArguments\"},\"nodeClass\":2,\"typeDefinition\":{\"ns\":0,\"id\":68,\"type\":"
    "\"numeric\"}},\"children\":[]}]}]";
static const char G06_6[] =
    "[{\"statusCode\":0,\"targets\":[{\"targetId\":{\"ns\":1,\"id\":\"Counter\",\"type\":\"st"
    "ring\"},\"remainingPathIndex\":4294967295}]}]";
static const char G06_8[] = "{\"ns\":1,\"id\":\"Counter\",\"type\":\"string\"}";
static const char G07_0[] =
    "{\"statusCode\":0,\"inputArgumentResults\":[0,0],\"outputArguments\":[{\"type\":11,\"val"
    "ue\":6.5,\"dimensions\":null}]}";
static const char G07_1[] =
    "{\"statusCode\":0,\"inputArgumentResults\":[0],\"outputArguments\":[{\"type\":12,\"value"
    "\":\"hi\",\"dimensions\":null}]}";
static const char G07_2[] =
    "{\"statusCode\":2155085824,\"inputArgumentResults\":[2155085824,0],\"outputArguments\":["
    "]}";
static const char G07_3[] =
    "{\"statusCode\":2155151360,\"inputArgumentResults\":[],\"outputArguments\":[]}";
static const char G08_0[] =
    "{\"subscriptionId\":132456,\"revisedPublishingInterval\":100,\"revisedLifetimeCount\":24"
    "00,\"revisedMaxKeepAliveCount\":10}";
static const char G08_1[] =
    "[{\"statusCode\":0,\"monitoredItemId\":87224,\"revisedSamplingInterval\":100,\"revisedQu"
    "eueSize\":10}]";
static const char G08_2[] =
    "[{\"statusCode\":0,\"monitoredItemId\":87225,\"revisedSamplingInterval\":100,\"revisedQu"
    "eueSize\":10},{\"statusCode\":0,\"monitoredItemId\":87226,\"revisedSamplingInterval\":10"
    "0,\"revisedQueueSize\":1}]";
static const char G08_3[] =
    "{\"subscriptionId\":132456,\"sequenceNumber\":1,\"moreNotifications\":false,\"notificati"
    "ons\":[{\"type\":\"DataChange\",\"clientHandle\":2,\"dataValue\":{\"value\":1344,\"type\""
    ":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:58:05+00:00\""
    ",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}},{\"type\":\"DataChange\",\"clientHa"
    "ndle\":2,\"dataValue\":{\"value\":1345,\"type\":7,\"dimensions\":null,\"statusCode\":0,\""
    "sourceTimestamp\":\"2026-11-22T23:58:05+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:0"
    "5+00:00\"}},{\"type\":\"DataChange\",\"clientHandle\":2,\"dataValue\":{\"value\":1346,\""
    "type\":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:58:05+"
    "00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}},{\"type\":\"DataChange\",\"c"
    "lientHandle\":2,\"dataValue\":{\"value\":1347,\"type\":7,\"dimensions\":null,\"statusCod"
    "e\":0,\"sourceTimestamp\":\"2026-11-22T23:58:05+00:00\",\"serverTimestamp\":\"2026-11-22"
    "T23:58:05+00:00\"}},{\"type\":\"DataChange\",\"clientHandle\":2,\"dataValue\":{\"value\""
    ":1348,\"type\":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T2"
    "3:58:05+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:05+00:00\"}},{\"type\":\"DataChan"
    "ge\",\"clientHandle\":2,\"dataValue\":{\"value\":1349,\"type\":7,\"dimensions\":null,\"s"
    "tatusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:58:06+00:00\",\"serverTimestamp\":\"20"
    "26-11-22T23:58:06+00:00\"}},{\"type\":\"DataChange\",\"clientHandle\":2,\"dataValue\":{\""
    "value\":1350,\"type\":7,\"dimensions\":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-"
    "11-22T23:58:06+00:00\",\"serverTimestamp\":\"2026-11-22T23:58:06+00:00\"}},{\"type\":\"D"
    "ataChange\",\"clientHandle\":3,\"dataValue\":{\"value\":42.25,\"type\":11,\"dimensions\""
    ":null,\"statusCode\":0,\"sourceTimestamp\":\"2026-11-22T23:58:05+00:00\",\"serverTimesta"
    "mp\":\"2026-11-22T23:58:05+00:00\"}}],\"availableSequenceNumbers\":[1]}";
static const char G08_5[] =
    "[{\"statusCode\":0,\"revisedSamplingInterval\":500,\"revisedQueueSize\":1}]";
static const char G08_6[] = "[0]";

#endif
