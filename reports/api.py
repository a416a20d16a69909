"""Read-only REST endpoints: unit statistics, weak topics and trends per round. Each validates
the same filters as the dashboard (reports.forms.ReportFilterForm, so the same messages), is
scoped like the pages (reports.access: a unit manager never sees outside their subtree), calls
reports.stats and serialises. Every response a view can give is declared in its @extend_schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import managed_root, with_default_unit
from quizzes.api.serializers import ErrorSerializer
from quizzes.api.views import ApiView
from reports import stats
from reports.forms import ReportFilterForm

TAG = "reports"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS = {
    400: _error("A filter is not valid (e.g. a date not written dd/mm/yyyy or YYYY-MM-DD, an end before the "
                "start, or a unit outside the units I can see); `errors` says which."),
    401: _error("Not logged in: no valid token or session."),
    403: _error("Refused: e.g. a session request without its CSRF token."),
    404: _error("I am neither an organiser nor a unit manager."),
}

PARAMETERS = [
    OpenApiParameter("date_from", str, description="First day, dd/mm/yyyy or YYYY-MM-DD (default: 90 days ago)."),
    OpenApiParameter("date_to", str, description="Last day, dd/mm/yyyy or YYYY-MM-DD (default: today)."),
    OpenApiParameter("unit", int, description="A unit of my subtree (default: my own commune, or my unit for a "
                                               "unit manager; empty: the whole subtree)."),
    OpenApiParameter("module", int, description="Only this training module."),
    OpenApiParameter("contest", int, description="Only this contest."),
    OpenApiParameter("audience", str, enum=["", "staff", "residents"], description="Staff, residents, or both."),
]


def filters_for(request: Request) -> stats.Filters:
    root = managed_root(request.user)
    if root is None:
        raise NotFound(_("Not found."))
    form = ReportFilterForm(with_default_unit(request.query_params, request.user), root=root)
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.filters()


class FiltersSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="unit.pk")
    unit = serializers.CharField(source="unit.name")
    date_from = serializers.DateField()
    date_to = serializers.DateField()


class UnitRowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="unit.pk")
    unit = serializers.CharField(source="unit.name")
    own_members_only = serializers.BooleanField(source="is_own_members",
                                                help_text=_("The row of people attached to the unit itself."))
    rank = serializers.IntegerField(allow_null=True)
    headcount = serializers.IntegerField()
    members = serializers.IntegerField()
    assigned = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    participants = serializers.IntegerField()
    participation_rate = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    mean_score = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    participation_change = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    mean_score_change = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class UnitStatisticsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    total = UnitRowSerializer()
    units = UnitRowSerializer(many=True)


class TopicCellSerializer(serializers.Serializer):
    topic_id = serializers.IntegerField()
    answers = serializers.IntegerField()
    correct = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    weak = serializers.BooleanField()


class WeakTopicRowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit = serializers.CharField()
    cells = TopicCellSerializer(many=True)


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WeakTopicsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    counted_at = serializers.DateTimeField(
        allow_null=True, help_text=_("The answers are counted as of this moment (every few minutes); null before "
                                     "the first count."))
    topics = TopicSerializer(many=True)
    units = WeakTopicRowSerializer(many=True)
    totals = TopicCellSerializer(many=True)


class RoundTrendSerializer(serializers.Serializer):
    round_id = serializers.IntegerField(source="round.pk")
    contest_id = serializers.IntegerField(source="round.contest_id")
    label = serializers.CharField()
    opens_at = serializers.DateTimeField(source="round.opens_at")
    closes_at = serializers.DateTimeField(source="round.closes_at")
    staff = serializers.IntegerField()
    residents = serializers.IntegerField()
    participation_rate = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    mean_score = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class TrendsSerializer(serializers.Serializer):
    filters = FiltersSerializer()
    rounds = RoundTrendSerializer(many=True)


def _cells(cells: list[stats.TopicCell], topics) -> list[dict]:
    return [{"topic_id": topic.pk, "answers": c.answers, "correct": c.correct, "rate": c.rate, "weak": c.is_weakest}
            for topic, c in zip(topics, cells, strict=True)]


class UnitStatisticsApi(ApiView):
    @extend_schema(tags=[TAG], operation_id="reports_units", parameters=PARAMETERS,
                   responses={200: UnitStatisticsSerializer, **ERRORS},
                   summary="Per unit: headcount, training completion, contest participation, mean score, rank.")
    def get(self, request: Request) -> Response:
        filters = filters_for(request)
        table = stats.unit_table(filters)
        return Response(UnitStatisticsSerializer({"filters": filters, "total": table.total, "units": table.rows}).data)


class WeakTopicsApi(ApiView):
    @extend_schema(tags=[TAG], operation_id="reports_weak_topics", parameters=PARAMETERS,
                   responses={200: WeakTopicsSerializer, **ERRORS},
                   summary="Unit × topic share of correct answers.")
    def get(self, request: Request) -> Response:
        filters = filters_for(request)
        weak = stats.weak_topics(filters, stats.unit_rows_only(filters))
        data = {
            "filters": filters, "counted_at": stats.tallies_counted_at(),
            "topics": [{"id": t.pk, "name": t.name} for t in weak.topics],
            "units": [{"unit_id": unit.pk, "unit": unit.name, "cells": _cells(cells, weak.topics)}
                      for unit, cells in weak.rows],
            "totals": _cells(weak.totals, weak.topics),
        }
        return Response(WeakTopicsSerializer(data).data)


class TrendsApi(ApiView):
    @extend_schema(tags=[TAG], operation_id="reports_trends", parameters=PARAMETERS,
                   responses={200: TrendsSerializer, **ERRORS},
                   summary="Per round of the period: staff and residents taking part, participation, mean score.")
    def get(self, request: Request) -> Response:
        filters = filters_for(request)
        table = stats.unit_table(filters, with_previous=False)
        rounds = stats.round_figures(filters, table.total.headcount)
        return Response(TrendsSerializer({"filters": filters, "rounds": rounds}).data)
