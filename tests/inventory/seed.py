"""Seed moto with HTTP, WebSocket and REST APIs; print what was created as JSON.

The Rust test compares gatescope's inventory with this, field by field.
"""
import json
import boto3

REGION = "us-east-1"
v2 = boto3.client("apigatewayv2", region_name=REGION)
rest = boto3.client("apigateway", region_name=REGION)
FN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
FN_URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"
LOG_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigw/orders"
LOG_FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}'
out = {}

# --- HTTP API with CORS, a JWT authorizer, scoped routes, two stages ---
cors = {
    "AllowOrigins": ["https://app.example.com"],
    "AllowMethods": ["GET", "POST"],
    "AllowHeaders": ["authorization", "content-type"],
    "ExposeHeaders": ["x-request-id"],
    "MaxAge": 300,
    "AllowCredentials": True,
}
api = v2.create_api(Name="orders-http", ProtocolType="HTTP", CorsConfiguration=cors, Description="orders")
aid = api["ApiId"]
auth = v2.create_authorizer(
    ApiId=aid, Name="jwt-auth", AuthorizerType="JWT",
    IdentitySource=["$request.header.Authorization"],
    JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["aud1", "aud2"]},
)
lam = v2.create_integration(ApiId=aid, IntegrationType="AWS_PROXY", IntegrationUri=FN, IntegrationMethod="POST",
                            PayloadFormatVersion="2.0", TimeoutInMillis=10000)
http = v2.create_integration(ApiId=aid, IntegrationType="HTTP_PROXY", IntegrationUri="https://backend.example.com/{proxy}",
                             IntegrationMethod="ANY", PayloadFormatVersion="1.0", TimeoutInMillis=30000)
routes = {}
for key, target, scopes in [
    ("GET /orders", lam, ["orders/read"]),
    ("POST /orders", lam, ["orders/write", "orders/admin"]),
    ("GET /orders/{id}", http, None),
    ("$default", None, None),
]:
    kw = {"ApiId": aid, "RouteKey": key}
    if target:
        kw["Target"] = "integrations/" + target["IntegrationId"]
    if scopes:
        kw.update(AuthorizationType="JWT", AuthorizerId=auth["AuthorizerId"], AuthorizationScopes=scopes)
    else:
        kw["AuthorizationType"] = "NONE"
    routes[key] = v2.create_route(**kw)["RouteId"]
v2.create_stage(ApiId=aid, StageName="prod", AutoDeploy=True,
                AccessLogSettings={"DestinationArn": LOG_ARN, "Format": LOG_FORMAT},
                DefaultRouteSettings={"ThrottlingRateLimit": 100.0, "ThrottlingBurstLimit": 50},
                RouteSettings={"GET /orders": {"ThrottlingRateLimit": 10.0, "ThrottlingBurstLimit": 5}},
                StageVariables={"env": "prod"})
v2.create_stage(ApiId=aid, StageName="$default", AutoDeploy=False)
out["http"] = {"id": aid, "authorizerId": auth["AuthorizerId"], "lambdaIntegrationId": lam["IntegrationId"],
               "httpIntegrationId": http["IntegrationId"], "routes": routes,
               "fn": FN, "logArn": LOG_ARN, "logFormat": LOG_FORMAT}

# --- HTTP API with credentials + wildcard origin (flagged), no stages ---
api2 = v2.create_api(Name="wildcard-http", ProtocolType="HTTP",
                     CorsConfiguration={"AllowOrigins": ["*"], "AllowCredentials": True})
out["wildcard"] = {"id": api2["ApiId"]}

# --- WebSocket API ---
ws = v2.create_api(Name="chat-ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
v2.create_route(ApiId=ws["ApiId"], RouteKey="$connect", AuthorizationType="NONE")
out["ws"] = {"id": ws["ApiId"], "endpoint": ws["ApiEndpoint"]}

# --- REST API with nested resources, methods, two authorizers, a stage ---
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
    {"Sid": "DenyOffice", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]})
r = rest.create_rest_api(name="pets-rest", description="pets", endpointConfiguration={"types": ["REGIONAL"]},
                         policy=POLICY)
rid = r["id"]
root = [x for x in rest.get_resources(restApiId=rid)["items"] if x["path"] == "/"][0]["id"]
pets = rest.create_resource(restApiId=rid, parentId=root, pathPart="pets")["id"]
pet = rest.create_resource(restApiId=rid, parentId=pets, pathPart="{petId}")["id"]
toys = rest.create_resource(restApiId=rid, parentId=pet, pathPart="toys")["id"]
token = rest.create_authorizer(restApiId=rid, name="token-auth", type="TOKEN",
                               identitySource="method.request.header.Authorization",
                               authorizerUri=FN_URI, authorizerResultTtlInSeconds=300)
pool = rest.create_authorizer(restApiId=rid, name="pool-auth", type="COGNITO_USER_POOLS",
                              identitySource="method.request.header.Authorization",
                              providerARNs=["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"])


def method(res, verb, auth_type, authorizer=None, scopes=None, integrate=True):
    kw = {"restApiId": rid, "resourceId": res, "httpMethod": verb, "authorizationType": auth_type}
    if authorizer:
        kw["authorizerId"] = authorizer
    if scopes:
        kw["authorizationScopes"] = scopes
    rest.put_method(**kw)
    if integrate:
        rest.put_integration(restApiId=rid, resourceId=res, httpMethod=verb, type="AWS_PROXY",
                             integrationHttpMethod="POST", uri=FN_URI, timeoutInMillis=29000)


method(pets, "GET", "NONE")
method(pets, "POST", "COGNITO_USER_POOLS", pool["id"], ["pets/write"])
method(pet, "GET", "CUSTOM", token["id"])
method(toys, "GET", "NONE", integrate=False)
rest.create_deployment(restApiId=rid, stageName="prod")
rest.update_stage(restApiId=rid, stageName="prod", patchOperations=[
    {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": LOG_ARN},
    {"op": "replace", "path": "/accessLogSettings/format", "value": LOG_FORMAT},
    {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "200"},
    {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "100"},
    {"op": "replace", "path": "/variables/color", "value": "blue"},
])
out["rest"] = {"id": rid, "tokenAuthorizerId": token["id"], "poolAuthorizerId": pool["id"],
               "resources": {"/pets": pets, "/pets/{petId}": pet, "/pets/{petId}/toys": toys},
               "fnUri": FN_URI}
print(json.dumps(out, default=str))
