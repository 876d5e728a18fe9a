"""
A stand-in for Orgo's Python SDK (`pip install orgo`, 0.0.40), for running the Connect view's
Python snippet as written where PyPI cannot be reached. Only what the snippets call, and only on
the wire as the SDK does it (tests/host/compat-sdk.test.ts replays the SDK call for call): one
requests.Session with Authorization, `Content-Type: application/json` and `Accept:
application/json` on every request; the key from `api_key` or ORGO_API_KEY (a ValueError
without one); `base_api_url` defaulting to Orgo's cloud; an answer's `error` raised as the
exception's message; `bash` reading `output`; `screenshot` decoding `image` (a URL fetched
without the key, else bare base64) into a PIL image, or, where Pillow is missing, an object
with the same `save(path)` and `size`. The SDK's own code is not here.
"""
import base64
import io
import os
import struct

import requests

__all__ = ["Computer"]


class _Png:
    """What `Image.open(...)` gives for the calls the snippets make, without Pillow."""

    def __init__(self, data):
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            raise OSError("cannot identify image file")
        self._data = data
        self.size = struct.unpack(">II", data[16:24])

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self._data)


def _image(data):
    try:
        from PIL import Image
    except ImportError:
        return _Png(data)
    return Image.open(io.BytesIO(data))


class Computer:
    def __init__(self, computer_id=None, api_key=None, base_api_url=None, verbose=True, **_):
        if not computer_id:
            raise NotImplementedError("this stand-in connects to an existing computer only")
        key = api_key or os.environ.get("ORGO_API_KEY")
        if not key:
            raise ValueError("API key required. Set ORGO_API_KEY environment variable or pass api_key parameter.")
        self.computer_id = computer_id
        self._base = base_api_url or "https://www.orgo.ai/api"
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept": "application/json"})
        if verbose:
            print(f"\u2713 Connected to computer: {computer_id}")

    def _request(self, method, endpoint, data=None):
        url = f"{self._base}/{endpoint}"
        r = self._session.get(url, params=data) if method == "GET" else self._session.request(method, url, json=data)
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {}
            if "error" in body:
                raise Exception(body["error"])
            raise Exception(f"Request failed with status {r.status_code}")
        return r.json()

    def bash(self, command):
        return self._request("POST", f"computers/{self.computer_id}/bash", {"command": command}).get("output", "")

    def screenshot(self):
        image = self._request("GET", f"computers/{self.computer_id}/screenshot").get("image", "")
        if image.startswith(("http://", "https://")):
            r = requests.get(image)
            r.raise_for_status()
            return _image(r.content)
        return _image(base64.b64decode(image))
