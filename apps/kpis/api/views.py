"""The KPI API: definitions, and a KPI's daily series per site (the same selectors as the screens)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from apps.accounts.permissions import HasRole
from apps.core.api import PagePagination, register_problem
from apps.kpis.api.serializers import KpiDefinitionSerializer, KpiSeriesSerializer, KpiTargetSerializer
from apps.kpis.definitions import KpiDefinition, definition, definitions
from apps.kpis.forms import KpiTargetInputSerializer
from apps.kpis.selectors import KPI_ROLES, FilterError, KpiFilters, kpi_series, kpi_sites_for
from apps.kpis.services import KpiError, kpi_target_set

register_problem(KpiError, status=status.HTTP_400_BAD_REQUEST)

MANAGERS = HasRole.of(*KPI_ROLES)

SERIES_PARAMETERS = [
    OpenApiParameter("site", str, description="Site code, e.g. BRU (default: every site you manage)."),
    OpenApiParameter("from", str, description="First local day, YYYY-MM-DD (default: 29 days before `to`)."),
    OpenApiParameter("to", str, description="Last local day, YYYY-MM-DD (default: today)."),
    OpenApiParameter(
        "granularity",
        str,
        enum=["day", "hour"],
        description="day (default) or hour: each local hour, for the KPIs kept hourly (`hourly` in the "
        "definitions; the others have no hourly points). By the hour without from/to: the last 48 hours; "
        "with them, at most 14 local days.",
    ),
]


def _kpi_or_404(code: str) -> KpiDefinition:
    found = definition(code)
    if found is None:
        raise NotFound(f"No KPI {code!r}.")
    return found


class DefinitionsView(ListAPIView):
    """Every KPI with its formula, source, unit and good direction."""

    permission_classes = [MANAGERS]
    serializer_class = KpiDefinitionSerializer
    pagination_class = PagePagination

    def get_queryset(self):
        return [kpi.as_dict() for kpi in definitions()]


class SeriesView(GenericAPIView):
    """One KPI's value per site and local day (or local hour), with each site's target."""

    permission_classes = [MANAGERS]
    serializer_class = KpiSeriesSerializer
    pagination_class = None

    @extend_schema(parameters=SERIES_PARAMETERS, responses=KpiSeriesSerializer)
    def get(self, request, kpi: str):
        found = _kpi_or_404(kpi)
        try:
            filters = KpiFilters.from_query(request.query_params)
        except FilterError as error:
            field = "granularity" if str(error).startswith("granularity") else "non_field_errors"
            raise ValidationError({field: [str(error)]}) from None
        if filters.site_code and not kpi_sites_for(request.user).filter(code=filters.site_code).exists():
            raise NotFound(f"No site {filters.site_code!r} among the sites you manage.")
        first, last = filters.days()
        body = {
            "kpi": found.as_dict(),
            "granularity": filters.granularity,
            "first_day": first,
            "last_day": last,
            "sites": kpi_series(request.user, found, filters),
        }
        return Response(KpiSeriesSerializer(body).data)


class TargetView(GenericAPIView):
    """Set (or, with null, remove) a site's target on a KPI; audited."""

    permission_classes = [MANAGERS]
    serializer_class = KpiTargetInputSerializer

    @extend_schema(request=KpiTargetInputSerializer, responses=KpiTargetSerializer)
    def put(self, request, kpi: str):
        found = _kpi_or_404(kpi)
        data = KpiTargetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = kpi_sites_for(request.user).filter(code=data.validated_data["site"]).first()
        if site is None:
            raise PermissionDenied("You do not manage that site.")
        kpi_target_set(user=request.user, site=site, kpi=found.code, value=data.validated_data["value"])
        return Response({"site": site.code, "kpi": found.code, "value": data.validated_data["value"]})
