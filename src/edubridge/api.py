"""The EduBridge REST API at /api/v1, documented as OpenAPI 3.1."""

from ninja import NinjaAPI

from edubridge import problems
from edubridge.catalog.api import router as catalog_router
from edubridge.core.api import router as core_router
from edubridge.core.api_auth import signed_in
from edubridge.governance.api import router as governance_router
from edubridge.learning.api import router as learning_router
from edubridge.localization.api import router as localization_router
from edubridge.training.api import router as training_router

api = NinjaAPI(
    title="EduBridge API",
    version="1",
    description="Partners, memberships, countries and the data map of an EduBridge node. "
    "Errors are RFC 9457 problem documents; lists are paginated with limit and offset.",
    auth=signed_in,
    urls_namespace="api-1",
)
problems.install(api)
api.add_router("/", core_router)
api.add_router("/", governance_router)
api.add_router("/", catalog_router)
api.add_router("/", learning_router)
api.add_router("/", training_router)
api.add_router("/", localization_router)
