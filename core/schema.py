"""The OpenAPI schema's operation ids: a GET of a collection (a path not ending in a parameter) is "_list".

drf-spectacular calls every APIView GET "_retrieve", so a list and its detail endpoint collided.
"""

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if self.method == "GET" and operation_id.endswith("_retrieve") and not self.path.rstrip("/").endswith("}"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id
