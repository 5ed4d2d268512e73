"""Key projects (重点项目) and the investment pipeline (招商): the database-free core.

Modules: ``records`` (dataclasses), ``models`` (SQLAlchemy tables), ``service`` (database
operations with permissions), ``rules`` (rates, summaries, validation), ``pipeline``
(招商 stages and rates), ``ledger_xlsx`` (template / export / import), ``present`` (tables and
the data sentence), ``demo`` (deterministic demo data). See docs/projects.md.
"""
