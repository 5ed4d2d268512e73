"""Task supervision (督查督办).

Database-free core: ``workdays`` (statutory working days), ``lifecycle`` (state machine and
deadline flags), ``records`` (plain task snapshots), ``reminders`` (digests and delivery),
``bulletin`` (督查通报 and 督办单 .docx), ``ledger`` (任务分解表 xlsx), ``attachments``.
See docs/tasks.md.
"""
