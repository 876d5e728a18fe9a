"""
A script written the way Orgo's Python SDK talks to its API: one requests.Session with the
SDK's headers on every call, GET params or json= bodies, body-less POSTs and DELETEs, the SDK's
defaults (ram 2, cpu 2, gpu "none"), and the fields it reads. Prints one JSON line of what it saw.
Usage: sdk_like.py BASE_URL (ORGO_API_KEY in the environment).
"""
import base64
import json
import os
import struct
import sys

import requests

base = sys.argv[1]
s = requests.Session()
s.headers.update({
    "Authorization": f"Bearer {os.environ['ORGO_API_KEY']}",
    "Content-Type": "application/json",
    "Accept": "application/json",
})


def call(method, endpoint, data=None):
    url = f"{base}/{endpoint}"
    r = s.get(url, params=data) if method == "GET" else s.request(method, url, json=data)
    try:
        r.raise_for_status()
    except requests.exceptions.HTTPError:
        body = r.json()
        raise Exception(body["error"]) from None
    return r.json()


out = {}
projects = call("GET", "projects").get("projects", [])
out["projects_before"] = len(projects)
project = call("POST", "projects", {"name": "py-compat"})
pc = call("POST", "computers", {"workspace_id": project["id"], "name": "computer-1234",
                                "os": "linux", "ram": 2, "cpu": 2, "gpu": "none"})
out["status"] = pc["status"]
out["desktops"] = [d["name"] for d in call("GET", f"projects/{project['id']}").get("desktops", [])]
png = base64.b64decode(call("GET", f"computers/{pc['id']}/screenshot").get("image", ""))
out["png_signature"] = png[:8] == b"\x89PNG\r\n\x1a\n"
out["png_size"] = list(struct.unpack(">II", png[16:24]))
out["bash"] = call("POST", f"computers/{pc['id']}/bash", {"command": "echo hi from $(whoami)"}).get("output", "")
out["click"] = call("POST", f"computers/{pc['id']}/click", {"button": "left", "x": 10, "y": 10})["success"]
out["restart"] = call("POST", f"computers/{pc['id']}/restart")["status"]
try:
    call("POST", "projects", {"name": "py-compat"})
    out["duplicate"] = "created"
except Exception as e:
    out["duplicate"] = str(e)
out["delete_project"] = call("DELETE", f"projects/{project['id']}")["success"]
out["projects_after"] = len(call("GET", "projects").get("projects", []))
print(json.dumps(out))
