/* Service results -> JSON: browse results and trees, endpoints, call and
 * translate results, and the subscription results, in the shapes of
 * type-serialization.md §1.10-§1.12 (key order as the PHP reference writes
 * them, checked against shared/spec/golden). Built on wire_value.c. */
#include "wire_int.h"

static json_t *u32_array(const uint32_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && v && i < n; i++)
        a = wire_push(a, json_integer(v[i]));
    return a;
}

json_t *wire_from_status_codes(const ua_StatusCode *codes, size_t n)
{
    return u32_array(codes, n);
}

json_t *wire_from_data_values(const ua_DataValue *dvs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && dvs && i < n; i++)
        a = wire_push(a, wire_from_data_value(&dvs[i]));
    return a;
}

/* ---- browse ------------------------------------------------------------- */

/* NodeClass values the PHP client knows; others read as Unspecified (0). */
static int node_class(ua_NodeClass c)
{
    switch (c) {
    case 1:
    case 2:
    case 4:
    case 8:
    case 16:
    case 32:
    case 64:
    case 128:
        return c;
    default:
        return 0;
    }
}

json_t *wire_from_reference_description(const ua_ReferenceDescription *r)
{
    json_t *o = json_object();
    o = wire_put(o, "referenceTypeId", wire_from_nodeid(&r->referenceTypeId));
    o = wire_put(o, "isForward", json_boolean(r->isForward));
    o = wire_put(o, "nodeId", wire_from_expanded_nodeid(&r->nodeId));
    o = wire_put(o, "browseName", wire_from_qualified_name(&r->browseName));
    o = wire_put(o, "displayName", wire_from_localized_text(&r->displayName));
    o = wire_put(o, "nodeClass", json_integer(node_class(r->nodeClass)));
    /* Always a NodeId: a missing type definition is the null NodeId
     * {"ns":0,"id":0,"type":"numeric"}, as the reference sends (§1.10). */
    return wire_put(o, "typeDefinition", wire_from_expanded_nodeid(&r->typeDefinition));
}

json_t *wire_from_references(const ua_ReferenceDescription *refs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && refs && i < n; i++)
        a = wire_push(a, wire_from_reference_description(&refs[i]));
    return a;
}

json_t *wire_from_browse_node(const ua_ReferenceDescription *r, json_t *children)
{
    if (!children)
        children = json_array();
    json_t *o = json_object();
    o = wire_put(o, "reference", wire_from_reference_description(r));
    return wire_put(o, "children", children);
}

json_t *wire_from_browse_result(const ua_BrowseResult *br)
{
    json_t *o = json_object();
    o = wire_put(o, "references", wire_from_references(br->references, br->referencesSize));
    return wire_put(o, "continuationPoint", wire_from_continuation_point(&br->continuationPoint));
}

/* ---- endpoints ------------------------------------------------------------ */

json_t *wire_from_user_token_policy(const ua_UserTokenPolicy *p)
{
    json_t *o = json_object();
    o = wire_put(o, "policyId", wire_from_string(&p->policyId));
    o = wire_put(o, "tokenType", json_integer(p->tokenType));
    o = wire_put(o, "issuedTokenType", wire_from_string(&p->issuedTokenType));
    o = wire_put(o, "issuerEndpointUrl", wire_from_string(&p->issuerEndpointUrl));
    return wire_put(o, "securityPolicyUri", wire_from_string(&p->securityPolicyUri));
}

json_t *wire_from_endpoint_description(const ua_EndpointDescription *ep)
{
    json_t *tokens = json_array();
    for (size_t i = 0; tokens && ep->userIdentityTokens && i < ep->userIdentityTokensSize; i++)
        tokens = wire_push(tokens, wire_from_user_token_policy(&ep->userIdentityTokens[i]));
    json_t *o = json_object();
    o = wire_put(o, "endpointUrl", wire_from_string(&ep->endpointUrl));
    /* DER bytes: base64 in practice (§1.9, ipc-protocol.md §9 #6). */
    o = wire_put(o, "serverCertificate", wire_from_bytestring(&ep->serverCertificate));
    o = wire_put(o, "securityMode", json_integer(ep->securityMode));
    o = wire_put(o, "securityPolicyUri", wire_from_string(&ep->securityPolicyUri));
    o = wire_put(o, "securityLevel", json_integer(ep->securityLevel));
    o = wire_put(o, "transportProfileUri", wire_from_string(&ep->transportProfileUri));
    return wire_put(o, "userIdentityTokens", tokens);
}

/* ---- call, translate ------------------------------------------------------ */

json_t *wire_from_call_result(const ua_CallMethodResult *r)
{
    json_t *out = json_array();
    for (size_t i = 0; out && r->outputArguments && i < r->outputArgumentsSize; i++)
        out = wire_push(out, wire_from_variant(&r->outputArguments[i]));
    json_t *o = json_object();
    o = wire_put(o, "statusCode", json_integer(r->statusCode));
    o = wire_put(o, "inputArgumentResults",
                 u32_array(r->inputArgumentResults, r->inputArgumentResultsSize));
    return wire_put(o, "outputArguments", out);
}

json_t *wire_from_browse_path_result(const ua_BrowsePathResult *r)
{
    json_t *targets = json_array();
    for (size_t i = 0; targets && r->targets && i < r->targetsSize; i++) {
        json_t *t = json_object();
        t = wire_put(t, "targetId", wire_from_expanded_nodeid(&r->targets[i].targetId));
        t = wire_put(t, "remainingPathIndex", json_integer(r->targets[i].remainingPathIndex));
        targets = wire_push(targets, t);
    }
    json_t *o = json_object();
    o = wire_put(o, "statusCode", json_integer(r->statusCode));
    return wire_put(o, "targets", targets);
}

/* ---- subscriptions -------------------------------------------------------- */

json_t *wire_from_subscription_result(const ua_CreateSubscriptionResponse *r)
{
    json_t *o = json_object();
    o = wire_put(o, "subscriptionId", json_integer(r->subscriptionId));
    o = wire_put(o, "revisedPublishingInterval", wire_json_real(r->revisedPublishingInterval));
    o = wire_put(o, "revisedLifetimeCount", json_integer(r->revisedLifetimeCount));
    return wire_put(o, "revisedMaxKeepAliveCount", json_integer(r->revisedMaxKeepAliveCount));
}

json_t *wire_from_monitored_item_result(const ua_MonitoredItemCreateResult *r)
{
    json_t *o = json_object();
    o = wire_put(o, "statusCode", json_integer(r->statusCode));
    o = wire_put(o, "monitoredItemId", json_integer(r->monitoredItemId));
    o = wire_put(o, "revisedSamplingInterval", wire_json_real(r->revisedSamplingInterval));
    return wire_put(o, "revisedQueueSize", json_integer(r->revisedQueueSize));
}

json_t *wire_from_monitored_item_modify_result(const ua_MonitoredItemModifyResult *r)
{
    json_t *o = json_object();
    o = wire_put(o, "statusCode", json_integer(r->statusCode));
    o = wire_put(o, "revisedSamplingInterval", wire_json_real(r->revisedSamplingInterval));
    return wire_put(o, "revisedQueueSize", json_integer(r->revisedQueueSize));
}

json_t *wire_from_set_triggering_result(const ua_SetTriggeringResponse *r)
{
    json_t *o = json_object();
    o = wire_put(o, "addResults", u32_array(r->addResults, r->addResultsSize));
    return wire_put(o, "removeResults", u32_array(r->removeResults, r->removeResultsSize));
}

json_t *wire_from_transfer_result(const ua_TransferResult *r)
{
    json_t *o = json_object();
    o = wire_put(o, "statusCode", json_integer(r->statusCode));
    return wire_put(o, "availableSequenceNumbers",
                    u32_array(r->availableSequenceNumbers, r->availableSequenceNumbersSize));
}

static json_t *data_changes(json_t *a, const ua_DataChangeNotification *dc)
{
    for (size_t i = 0; a && dc->monitoredItems && i < dc->monitoredItemsSize; i++) {
        const ua_MonitoredItemNotification *n = &dc->monitoredItems[i];
        json_t *o = json_object();
        o = wire_put(o, "type", json_string("DataChange"));
        o = wire_put(o, "clientHandle", json_integer(n->clientHandle));
        o = wire_put(o, "dataValue", wire_from_data_value(&n->value));
        a = wire_push(a, o);
    }
    return a;
}

static json_t *events(json_t *a, const ua_EventNotificationList *ev)
{
    for (size_t i = 0; a && ev->events && i < ev->eventsSize; i++) {
        const ua_EventFieldList *e = &ev->events[i];
        json_t *fields = json_array();
        for (size_t k = 0; fields && e->eventFields && k < e->eventFieldsSize; k++)
            fields = wire_push(fields, wire_from_variant(&e->eventFields[k]));
        json_t *o = json_object();
        o = wire_put(o, "type", json_string("Event"));
        o = wire_put(o, "clientHandle", json_integer(e->clientHandle));
        o = wire_put(o, "eventFields", fields);
        a = wire_push(a, o);
    }
    return a;
}

json_t *wire_from_notifications(const ua_NotificationMessage *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && m->notificationData && i < m->notificationDataSize; i++) {
        const ua_ExtensionObject *eo = &m->notificationData[i];
        if (eo->encoding != UA_EXTOBJ_DECODED || !eo->data)
            continue; /* StatusChange and undecodable bodies: skipped, as by PHP */
        if (eo->type == UA_TYPE_DATACHANGENOTIFICATION)
            a = data_changes(a, eo->data);
        else if (eo->type == UA_TYPE_EVENTNOTIFICATIONLIST)
            a = events(a, eo->data);
    }
    return a;
}

json_t *wire_from_publish_result(const ua_PublishResponse *r)
{
    json_t *o = json_object();
    o = wire_put(o, "subscriptionId", json_integer(r->subscriptionId));
    o = wire_put(o, "sequenceNumber", json_integer(r->notificationMessage.sequenceNumber));
    o = wire_put(o, "moreNotifications", json_boolean(r->moreNotifications));
    o = wire_put(o, "notifications", wire_from_notifications(&r->notificationMessage));
    return wire_put(o, "availableSequenceNumbers",
                    u32_array(r->availableSequenceNumbers, r->availableSequenceNumbersSize));
}

json_t *wire_from_republish_result(const ua_RepublishResponse *r)
{
    const ua_NotificationMessage *m = &r->notificationMessage;
    json_t *o = json_object();
    o = wire_put(o, "sequenceNumber", json_integer(m->sequenceNumber));
    o = wire_put(o, "publishTime", wire_from_datetime(m->publishTime));
    return wire_put(o, "notifications", wire_from_notifications(m));
}
