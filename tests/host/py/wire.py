"""Sends, with requests as Orgo's SDK sets it up, a GET, a body-less POST, a body-less DELETE and
a json= POST to BASE_URL, so the test can compare them with its own replay of that wire."""
import sys

import requests

s = requests.Session()
s.headers.update({"Authorization": "Bearer k", "Content-Type": "application/json", "Accept": "application/json"})
s.get(f"{sys.argv[1]}/projects", params=None)
s.request("POST", f"{sys.argv[1]}/computers/x/restart", json=None)
s.request("DELETE", f"{sys.argv[1]}/projects/x", json=None)
s.request("POST", f"{sys.argv[1]}/computers", json={"workspace_id": "w", "name": "h\u00e9", "ram": 2, "duration": 0.5, "double": True})
