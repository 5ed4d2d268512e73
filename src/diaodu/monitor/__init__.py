"""Indicator monitoring: catalogue, workbook/template import, rules, board (database-free core).

Modules: ``catalogue``, ``records``, ``yuebao``, ``template``, ``rules``, ``board``.
See docs/monitor.md.
"""
