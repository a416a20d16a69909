"""Model instances from hand-written SQL statements, converted exactly as the ORM converts them.

A few requests are made so often (an answer saved, an attempt submitted, a token checked) that
compiling their ORM queries on every request was most of their time (make bench,
tests/bench/run.py). Those statements are written once, from the models' own table and column
names, and their rows come back through this module as ordinary model instances: every value
through the field's and the database's own converters (SQLite's text datetimes and integer
booleans, JSON text), so code further on cannot tell them from the ORM's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


@dataclass(frozen=True)
class Columns:
    """Some concrete fields of a model, as a statement selects them from `alias`."""

    model: type[Model]
    attnames: tuple[str, ...]
    sql: str  # "alias"."column", ... in attnames' order
    conversions: tuple[tuple[int, tuple, object], ...]

    def values(self, row) -> list:
        """One row's values (in this order) as the ORM would give them."""
        values = list(row)
        for position, converters, column in self.conversions:
            for convert in converters:
                values[position] = convert(values[position], column, connection)
        return values

    def instance(self, row) -> Model:
        """The model instance of one row's values (in this order), as the ORM would load it."""
        return self.model.from_db(connection.alias, self.attnames, self.values(row))


@cache
def columns(model: type[Model], alias: str, names: tuple[str, ...] | None = None) -> Columns:
    """The columns of `model` (all concrete fields, or those `names`) selected from `alias`.
    Computed once per model, alias and fields: the database is the same for the whole process."""
    fields = ([model._meta.get_field(name) for name in names] if names is not None
              else list(model._meta.concrete_fields))
    quote = connection.ops.quote_name
    conversions = []
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            conversions.append((position, tuple(converters), column))
    return Columns(
        model=model,
        attnames=tuple(field.attname for field in fields),
        sql=", ".join(f"{alias}.{quote(field.column)}" for field in fields),
        conversions=tuple(conversions),
    )


def table(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> str:
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The quoted column of the field `name` (a foreign key's name gives its _id column)."""
    return connections[using].ops.quote_name(model._meta.get_field(name).column)


def param(model: type[Model], name: str, value):
    """`value` as the field `name` sends it to the database (a datetime made naive UTC text on
    SQLite, a list made JSON), for a statement's bound parameter."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


@cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{column(model, name)} = %s" for name in names)
    return f"UPDATE {table(model)} SET {assignments} WHERE {column(model, model._meta.pk.name)} = %s"  # noqa: S608


def update(instance: Model, names: tuple[str, ...]) -> None:
    """instance.save(update_fields=names), in one statement written once: no model signals are
    sent (the callers' own signals say what happened)."""
    model = type(instance)
    params = [param(model, name, getattr(instance, model._meta.get_field(name).attname)) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, names), [*params, instance.pk])
