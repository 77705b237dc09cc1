"""Seed moto with a REST API protected by an API key + usage plan, custom
domains from both services and a customised gateway response; print ids as JSON."""
import json
import sys
import boto3

REGION = "us-east-1"
SECRET = sys.argv[1]
rest = boto3.client("apigateway", region_name=REGION)
v2 = boto3.client("apigatewayv2", region_name=REGION)

r = rest.create_rest_api(name="shop", apiKeySource="HEADER", endpointConfiguration={"types": ["REGIONAL"]})
rid = r["id"]
root = rest.get_resources(restApiId=rid)["items"][0]["id"]
orders = rest.create_resource(restApiId=rid, parentId=root, pathPart="orders")["id"]
rest.put_method(restApiId=rid, resourceId=orders, httpMethod="GET", authorizationType="NONE", apiKeyRequired=True)
rest.put_integration(restApiId=rid, resourceId=orders, httpMethod="GET", type="MOCK")
rest.create_deployment(restApiId=rid, stageName="prod")
rest.update_stage(restApiId=rid, stageName="prod", patchOperations=[
    {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
    {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"},
])
rest.put_gateway_response(restApiId=rid, responseType="INVALID_API_KEY", statusCode="401",
                          responseTemplates={"application/json": '{"error":"key please"}'})

key = rest.create_api_key(name="partner-a", enabled=True, value=SECRET)
other_key = rest.create_api_key(name="partner-b", enabled=False, value=SECRET[::-1])
plan = rest.create_usage_plan(
    name="basic",
    description="three a day",
    apiStages=[{"apiId": rid, "stage": "prod", "throttle": {"/orders/GET": {"rateLimit": 1.0, "burstLimit": 1}}}],
    throttle={"rateLimit": 5.0, "burstLimit": 2},
    quota={"limit": 3, "period": "DAY", "offset": 0},
)
rest.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")

bare = rest.create_rest_api(name="bare")["id"]

rest.create_domain_name(domainName="api.example.com", regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/x",
                        endpointConfiguration={"types": ["REGIONAL"]})
rest.create_base_path_mapping(domainName="api.example.com", basePath="v1", restApiId=rid, stage="prod")

h = v2.create_api(Name="orders-http", ProtocolType="HTTP")["ApiId"]
v2.create_stage(ApiId=h, StageName="$default")
v2.create_domain_name(DomainName="api.example.com",
                      DomainNameConfigurations=[{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "EndpointType": "REGIONAL"}])
v2.create_api_mapping(DomainName="api.example.com", ApiId=h, Stage="$default", ApiMappingKey="v2")

print(json.dumps({"rest": rid, "bare": bare, "http": h, "plan": plan["id"], "key": key["id"], "otherKey": other_key["id"]}))
