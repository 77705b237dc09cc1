# Prepended to boto3 seed scripts that need Lambda functions (moto stores
# them without running them, so no docker is needed):
#   arn = create_function("orders", timeout=3)
import io as _io, zipfile as _zipfile
import boto3 as _boto3

_role = None

def create_function(name, timeout=3):
    global _role
    if _role is None:
        _role = _boto3.client("iam").create_role(
            RoleName="gatescope-test-fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = _io.BytesIO()
    with _zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def h(e, c):\n    return {}\n")
    return _boto3.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=_role, Handler="h.h",
        Code={"ZipFile": buf.getvalue()}, Timeout=timeout)["FunctionArn"]
