# PyGObject overrides for Grant: a GrantToken reads like the token dict
# requests-oauthlib users know.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json

from ..module import get_introspection_module
from ..overrides import override

Grant = get_introspection_module("Grant")

__all__ = []


class Token(Grant.Token):
    """A Grant.Token that also reads like a dict: token["access_token"],
    "refresh_token" in token, token.get("expires_at"), dict(token)."""

    def _fields(self):
        return json.loads(self.to_json())

    def __getitem__(self, key):
        return self._fields()[key]

    def __contains__(self, key):
        return key in self._fields()

    def __iter__(self):
        return iter(self._fields())

    def __len__(self):
        return len(self._fields())

    def get(self, key, default=None):
        return self._fields().get(key, default)

    def keys(self):
        return self._fields().keys()

    def items(self):
        return self._fields().items()

    def to_dict(self):
        return self._fields()

    @classmethod
    def from_dict(cls, fields):
        return Grant.Token.new_from_json(json.dumps(fields))


Token = override(Token)
__all__.append("Token")
