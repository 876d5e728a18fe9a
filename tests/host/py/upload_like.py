"""Uploads as Orgo's Python SDK does (requests, files= multipart with the form fields in data=),
a 3 MB file and a small one, then the same to a workspace that does not exist. Prints JSON."""
import hashlib
import json
import os
import sys

import requests

base, workspace = sys.argv[1], sys.argv[2]
headers = {"Authorization": f"Bearer {os.environ['ORGO_API_KEY']}"}
out = {}
big = os.urandom(3 * 1024 * 1024 + 11)
for name, body in (("big.bin", big), ("small.txt", b"hello")):
    r = requests.post(f"{base}/files/upload", headers=headers, data={"workspaceId": workspace},
                      files={"file": (name, body, "application/octet-stream")}, timeout=60)
    out[name] = [r.status_code, r.json().get("size")]
out["big_sha256"] = hashlib.sha256(big).hexdigest()
r = requests.post(f"{base}/files/upload", headers=headers, data={"workspaceId": "no-such-workspace"},
                  files={"file": ("big.bin", big)}, timeout=60)
out["missing"] = [r.status_code, r.json().get("code")]
print(json.dumps(out))
