"""Seed moto with a REST API whose two GET methods share a TOKEN Lambda
authorizer (cached 300 s), one of them requiring an API key of a usage plan
with a daily quota of 5; print ids as JSON."""
import json
import sys
import boto3

REGION = "us-east-1"
SECRET = sys.argv[1]
rest = boto3.client("apigateway", region_name=REGION)
AUTH_FN = "arn:aws:lambda:us-east-1:123456789012:function:token-auth"
AUTH_URI = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{AUTH_FN}/invocations"
FN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
FN_URI = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{FN}/invocations"

rid = rest.create_rest_api(name="shop", apiKeySource="HEADER", endpointConfiguration={"types": ["REGIONAL"]})["id"]
root = rest.get_resources(restApiId=rid)["items"][0]["id"]
tok = rest.create_authorizer(restApiId=rid, name="token-auth", type="TOKEN",
                             identitySource="method.request.header.Authorization",
                             authorizerUri=AUTH_URI, authorizerResultTtlInSeconds=300)["id"]
res = {}
for part, key_required in (("orders", True), ("owners", False)):
    res[part] = rest.create_resource(restApiId=rid, parentId=root, pathPart=part)["id"]
    rest.put_method(restApiId=rid, resourceId=res[part], httpMethod="GET", authorizationType="CUSTOM",
                    authorizerId=tok, apiKeyRequired=key_required)
    rest.put_integration(restApiId=rid, resourceId=res[part], httpMethod="GET", type="AWS_PROXY",
                         integrationHttpMethod="POST", uri=FN_URI)
rest.create_deployment(restApiId=rid, stageName="prod")

key = rest.create_api_key(name="partner-a", enabled=True, value=SECRET)["id"]
plan = rest.create_usage_plan(name="basic", apiStages=[{"apiId": rid, "stage": "prod"}],
                              quota={"limit": 5, "period": "DAY", "offset": 0})["id"]
rest.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
print(json.dumps({"rest": rid, "authorizer": tok, "orders": res["orders"], "owners": res["owners"],
                  "plan": plan, "key": key}))
